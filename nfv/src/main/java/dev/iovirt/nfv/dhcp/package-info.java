/**
 * A DHCP server (RFC 2131, options from RFC 2132) for one subnet, on one port.
 *
 * <pre>
 *  ARP who-has serverIp ─► reply
 *  UDP to :67 (to serverIp or 255.255.255.255) ─► BOOTREQUEST with the magic cookie? ─► option 53:
 *   DISCOVER → choose (the client's binding, its requested address if free, a never-used address,
 *              one freed by another client) → OFFER, held offerHold; none free: counted, no reply
 *   REQUEST  → SELECTING (option 54 ours): ACK the offered address, else NAK; another server's: offer void
 *              INIT-REBOOT / RENEWING: ACK the client's address, NAK a foreign or taken one
 *   DECLINE  → the address is quarantined for one lease time (§4.3.3)
 *   RELEASE  → free, still remembered for the client
 *   INFORM   → ACK with the configuration, no lease
 *  replies (§4.1): to a relay (giaddr); NAKs broadcast; to ciaddr; broadcast when the client asks
 *  (flags bit) ; else unicast to yiaddr and chaddr
 *  tick: expired leases and offers become free, quarantines end
 * </pre>
 *
 * <p>Options sent: 53, 54, 51, 58, 59, 1, 3 (if configured), 6 (if configured), 255, padded to the
 * 300-octet BOOTP minimum (RFC 1542 §2.1).
 *
 * <p><b>Decisions not taken.</b> Clients are identified by chaddr, not option 61; option overload
 * (52) and the parameter request list (55) are not honoured (every option is sent); the server is
 * authoritative: an INIT-REBOOT request for a free in-pool address with no record is granted, not
 * ignored; leases live in memory only.
 */
package dev.iovirt.nfv.dhcp;
