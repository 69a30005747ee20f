/**
 * An L4 load balancer with Maglev consistent hashing (Eisenbud et al., NSDI 2016), in the wire
 * between clients (port 0) and backends (port 1), as a networking-sfc port pair.
 *
 * <pre>
 *  port 0 (clients)                                              port 1 (backends)
 *  ARP who-has VIP ──► answered with port 0's MAC
 *  client → VIP:port ─► connection table hit? ─ yes (backend up) ─────────────┐
 *                        │ no / backend down                                  ▼
 *                        └► Maglev table[hash(5-tuple) mod M] ─► remember ─► DNAT dst ip(:port),
 *                                                                 RFC 1624 checksum updates,
 *                                                                 dst MAC → backend's if it was ours ─► port 1
 *  port 0 ◄─ SNAT src → VIP:port, checksums ◄─ connection table hit for (client, VIP) and src = its backend ◄─ reply
 *  everything else passes through unchanged, either way (ARP too)
 *  tick: ICMP echo or TCP SYN probes from the LB's own address; fall misses → down, rise answers → up,
 *        a change rebuilds the table; idle UDP flows, idle and closed TCP connections expire
 * </pre>
 *
 * <p><b>Affinity.</b> The connection table keeps each connection on its backend whatever the Maglev
 * table does afterwards; only connections whose backend is down are moved (to the rebuilt table's
 * choice). Maglev's consistency (§3.4) matters when the connection table has lost state (a restart,
 * or another instance taking over); here it bounds what a restart would move.
 *
 * <p><b>Decisions not taken.</b> Non-first IPv4 fragments to the VIP are dropped and counted (the
 * paper's 3-tuple fragment handling, §4.3, is not built). The load balancer does not answer pings to the VIP or to its own address.
 */
package dev.iovirt.nfv.lb;
