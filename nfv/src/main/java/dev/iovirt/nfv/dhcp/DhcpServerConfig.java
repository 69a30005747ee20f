package dev.iovirt.nfv.dhcp;

import java.util.List;
import java.util.Objects;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * Everything a {@link DhcpServer} needs, as the topology file gives it.
 *
 * @param mac           the server's MAC on its one port
 * @param serverIp      the server's address (option 54, the server identifier) inside the subnet
 * @param prefixLength  the subnet's prefix length (option 1 is its mask); the subnet is serverIp's
 * @param router        the subnet's router (option 3), or null for none
 * @param dnsServers    DNS servers (option 6), possibly empty
 * @param poolFirst     the first address to lease, or null for the subnet's first host address
 * @param poolLast      the last address to lease, or null for the subnet's last host address
 * @param leaseSeconds  the lease time granted (option 51)
 * @param offerHoldNanos how long an offered address is held for the client that was offered it
 */
public record DhcpServerConfig(MacAddress mac, Ipv4Address serverIp, int prefixLength, Ipv4Address router,
        List<Ipv4Address> dnsServers, Ipv4Address poolFirst, Ipv4Address poolLast, long leaseSeconds,
        long offerHoldNanos) {

    /** One hour, dnsmasq's default lease. */
    public static final long DEFAULT_LEASE_SECONDS = 3600;
    /** How long an OFFER reserves its address (RFC 2131 §4.3.1 leaves it to the server). */
    public static final long DEFAULT_OFFER_HOLD_NANOS = 30_000_000_000L;

    public DhcpServerConfig {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(serverIp, "serverIp");
        dnsServers = List.copyOf(dnsServers);
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("prefix length must be in [1, 30]: " + prefixLength);
        }
        if (router != null && !router.isIn(serverIp, prefixLength)) {
            throw new IllegalArgumentException("router " + router + " is outside the server's subnet");
        }
        for (Ipv4Address a : new Ipv4Address[] {poolFirst, poolLast}) {
            if (a != null && !a.isIn(serverIp, prefixLength)) {
                throw new IllegalArgumentException("pool bound " + a + " is outside the server's subnet");
            }
        }
        if (leaseSeconds < 1 || leaseSeconds > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException("lease time out of range (RFC 2132 §9.2): " + leaseSeconds);
        }
        if (offerHoldNanos <= 0) {
            throw new IllegalArgumentException("offer hold must be positive");
        }
    }

    /** A server leasing the whole subnet but itself and the router, with the defaults above. */
    public static DhcpServerConfig of(MacAddress mac, Ipv4Address serverIp, int prefixLength, Ipv4Address router,
            List<Ipv4Address> dnsServers) {
        return new DhcpServerConfig(mac, serverIp, prefixLength, router, dnsServers, null, null,
                DEFAULT_LEASE_SECONDS, DEFAULT_OFFER_HOLD_NANOS);
    }

    /** This configuration with another lease time. */
    public DhcpServerConfig withLeaseSeconds(long seconds) {
        return new DhcpServerConfig(mac, serverIp, prefixLength, router, dnsServers, poolFirst, poolLast, seconds, offerHoldNanos);
    }

    /** This configuration with a pool range. */
    public DhcpServerConfig withPool(Ipv4Address first, Ipv4Address last) {
        return new DhcpServerConfig(mac, serverIp, prefixLength, router, dnsServers, first, last, leaseSeconds, offerHoldNanos);
    }
}
