/**
 * The switch's fast path, modeled on Open vSwitch's userspace datapath (dpif-netdev).
 *
 * <pre>
 * FramePort.receive ─▶ FrameBatch (≤ 32) ─▶ FlowKeyParser + FlowWords.pack
 *        ─▶ ExactMatchCache (whole key) ──hit──────────────────────┐
 *        ─▶ Classifier&lt;Megaflow&gt; (tuple space, masked) ──hit─────┤
 *        ─▶ UpcallHandler.translate (the OpenFlow pipeline) ─▶ install Megaflow
 *                                                                   ▼
 *                                     DpAction[] executed in order ─▶ per-port FrameBatch ─▶ FramePort.transmit
 * </pre>
 *
 * <ul>
 *   <li>{@link dev.iovirt.vswitch.datapath.FlowWords}: a key packed into 14 words, the unit of
 *       masking, hashing and comparison.</li>
 *   <li>{@link dev.iovirt.vswitch.datapath.Classifier}: tuple-space search with priority-ordered
 *       subtables and wildcard tracking; it also serves the OpenFlow tables.</li>
 *   <li>{@link dev.iovirt.vswitch.datapath.Megaflow} and {@link dev.iovirt.vswitch.datapath.DpAction}:
 *       what the slow path decides, cached under the mask its decision depended on.</li>
 *   <li>{@link dev.iovirt.vswitch.datapath.Datapath}: ports, the batch loop, the caches and action
 *       execution.</li>
 * </ul>
 *
 * Cache coherence is by invalidation: any change of the slow path's state (flows, groups, ports)
 * calls {@link dev.iovirt.vswitch.datapath.Datapath#invalidate()}, which kills every megaflow; the
 * EMC never returns a dead one. Open vSwitch instead revalidates each megaflow in the background
 * and keeps the ones still right; that is an optimization we have not needed yet.
 */
package dev.iovirt.vswitch.datapath;
