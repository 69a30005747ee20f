package dev.iovirt.nfv.dhcp;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * One address's binding as the host reads it.
 *
 * @param client          the client's hardware address (chaddr)
 * @param address         the leased address
 * @param state           where the binding stands
 * @param expiresAtNanos  guest time at which it ends (the lease, the offer hold, or the decline quarantine)
 */
public record DhcpLease(MacAddress client, Ipv4Address address, State state, long expiresAtNanos) {
    /** The states of an address the server has handed out. */
    public enum State {
        /** Offered and held for the client until its REQUEST or the hold's end. */
        OFFERED,
        /** Acknowledged: the client holds the lease. */
        BOUND,
        /** Released or expired: free, but given back to the same client first (stable assignment). */
        FREE,
        /** A client declined it (in use by someone else, RFC 2131 §3.1.5): not leased until the quarantine ends. */
        DECLINED
    }
}
