/**
 * The OpenFlow side of a switch (Open vSwitch's "ofproto"): what a controller programs and how a
 * packet is decided.
 *
 * <pre>
 * controller ── OfpMessage ──▶ Bridge.handle ──▶ FlowTable[0..253] / GroupEntry / MeterEntry
 *                                                     │ (any change: Datapath.invalidate)
 * datapath miss ──▶ Bridge.translate ──▶ Xlate: table 0 ─goto─▶ table n ─▶ action set
 *                                           │ apply-actions, groups, NORMAL (MacLearningTable)
 *                                           ▼
 *                                DpAction[] + wildcards ──▶ Megaflow (owner: Xlate.Cache)
 * </pre>
 *
 * <ul>
 *   <li>{@link dev.iovirt.vswitch.ofproto.Bridge}: ports, tables, groups, meters; the semantics
 *       of flow-mod, group-mod, meter-mod, port-mod, packet-out and the statistics requests, with
 *       the spec's error for every refusal; packet-in, port-status and flow-removed events.</li>
 *   <li>{@code Xlate}: one packet through the pipeline, recording every field its decision
 *       read so that the megaflow covers exactly the packets decided alike.</li>
 *   <li>{@link dev.iovirt.vswitch.ofproto.Trace}: the same translation, narrated, as
 *       {@code ovs-appctl ofproto/trace}; tests assert on it.</li>
 * </ul>
 *
 * OpenFlow counters are credited from megaflow counters (a megaflow's owner lists the entries and
 * buckets it stands for), when statistics are read and when a megaflow is evicted, as Open
 * vSwitch's revalidators push datapath stats into OpenFlow rules.
 *
 * <p>Mirrors ({@link dev.iovirt.vswitch.ofproto.Mirror}) copy packets by ingress or egress port.
 * The OpenFlow agent (connections to controllers, the passive listener) is in {@code agent}.
 * MPLS, PBB and IPv6 ND fields are refused with OFPBMC_BAD_FIELD / OFPBAC_BAD_TYPE.
 */
package dev.iovirt.vswitch.ofproto;
