/**
 * Connection tracking for appliances, after Linux's {@code nf_conntrack}: a {@link
 * dev.iovirt.nfv.conntrack.ConnectionTable} reaches each connection by its original and its reply
 * tuple (so a NAT's translated replies find it too), and a {@link
 * dev.iovirt.nfv.conntrack.ConnectionTracker} applies each packet to its connection: TCP through
 * Linux's state table ({@link dev.iovirt.nfv.conntrack.TcpState}), UDP and ICMP echo by timeouts.
 *
 * <pre>
 *   frame ─▶ Ipv4Packet.parse (in place, no allocation)
 *         ─▶ ConnectionTracker.lookup ─▶ hit:  update (ACCEPT / INVALID / REOPEN) ─▶ the function forwards or drops
 *                                     └▶ miss: canOpen? ─▶ the function's policy ─▶ open / openTranslated
 *   tick(now) ─▶ expire(now, budget): a bounded slice of the table per poll round
 * </pre>
 *
 * Everything here is guest program state of one appliance, used from its poll loop only.
 */
package dev.iovirt.nfv.conntrack;
