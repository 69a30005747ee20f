/**
 * An IPv4 router (RFC 1812) as a virtual appliance: N interfaces, connected and static routes,
 * longest-prefix match in a binary trie, ARP, TTL and ICMP.
 *
 * <pre>
 *  frame on port p ─► parse (malformed: drop, count) ─► dst MAC ours or broadcast? no: drop
 *   ├ ARP: request for our address → reply; sender learned (RFC 826 merge) → pending packets sent
 *   └ IPv4: header checksum (§5.2.2) ─► LPM(dst)
 *       ├ our address: echo request → echo reply in place; else dropped
 *       ├ broadcast / multicast / directed broadcast: dropped (§5.3.5)
 *       ├ TTL ≤ 1: ICMP time exceeded, type 11 code 0 (§5.3.1)
 *       ├ no route: ICMP destination unreachable, type 3 code 0 (§5.2.7.1)
 *       └ next hop's MAC cached? yes: TTL − 1 with RFC 1624 update, MACs, out
 *                               no: queue (per next hop, oldest dropped beyond the limit), ARP request;
 *                                   tick retries every arpRetry; after arpRequests unanswered
 *                                   requests: ICMP type 3 code 1 (host unreachable) for each queued packet
 * </pre>
 *
 * <p>ICMP errors quote the offending IP header and 8 bytes (RFC 792, RFC 1812 §4.3.2.3), leave from
 * the interface the datagram came in on with that interface's address, to the previous hop's MAC,
 * and are never sent about ICMP errors, later fragments, or datagrams from a zero, broadcast,
 * multicast or loopback source (§4.3.2.7).
 *
 * <p><b>Decisions not taken.</b> No ICMP rate limiting (§4.3.2.8), no redirects (§5.2.7.2), no IP
 * options processing, no fragmentation (every interface has the same MTU), no recursive next-hop
 * resolution, no ICMP errors for packets addressed to the router other than echo (no port
 * unreachable).
 */
package dev.iovirt.nfv.router;
