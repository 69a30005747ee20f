package dev.iovirt.controller.app;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.openflow.OpenFlowController;
import dev.iovirt.controller.openflow.OpenFlowSwitch;
import dev.iovirt.controller.openflow.PacketProcessor;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reactive L2 learning, the app the cbench-style benchmark measures.
 *
 * <pre>
 * DEVICE_ADDED ─▶ table-miss entry (priority 0, match all, output:CONTROLLER)
 * PACKET_IN ─▶ learn eth_src → in_port
 *           ├─ eth_dst known on another port ─▶ FLOW_MOD (in_port, eth_src, eth_dst → output, idle timeout)
 *           │                                   + PACKET_OUT of the packet (unless the switch buffered it)
 *           ├─ eth_dst known on the in_port ──▶ dropped (it would go back where it came from)
 *           └─ eth_dst unknown or multicast ──▶ PACKET_OUT to FLOOD
 * </pre>
 *
 * <p>Written for throughput: it runs on the switch's event loop, logs nothing per packet, keeps
 * its MAC table in primitive arrays, reuses the instruction and action lists per output port, and
 * leaves flushing to the end of the read batch.
 */
public final class LearningSwitch implements PacketProcessor, DeviceListener {
    /** The priority of the learned entries. */
    public static final int FLOW_PRIORITY = 10;
    /** The table-miss entry has priority 0 and matches everything (OF 1.3.5 §5.4). */
    public static final int TABLE_MISS_PRIORITY = 0;
    /** The table of the learned entries and the table miss. */
    private final TableId table;
    private static final List<Action> FLOOD = List.of(Action.Output.to(PortNo.FLOOD));

    private final OpenFlowController controller;
    private final int idleTimeout;
    private final Map<Object, SwitchState> switches = new ConcurrentHashMap<>();

    /** Per-switch state, touched only on that switch's event loop. */
    private static final class SwitchState {
        final MacTable macs = new MacTable(1024, 1 << 20);
        final Map<Integer, List<Instruction>> instructionsByPort = new java.util.HashMap<>();
        final Map<Integer, List<Action>> actionsByPort = new java.util.HashMap<>();
    }

    /** @param idleTimeout seconds a learned entry lives without traffic */
    public LearningSwitch(OpenFlowController controller, int idleTimeout) {
        this(controller, idleTimeout, 0);
    }

    /** A learning switch whose entries, table miss included, go into {@code table} (1 when the ACL runs in table 0). */
    public LearningSwitch(OpenFlowController controller, int idleTimeout, int table) {
        this.controller = controller;
        this.idleTimeout = idleTimeout;
        this.table = TableId.of(table);
    }

    @Override
    public void event(DeviceEvent e) {
        switch (e.type()) {
            case DEVICE_ADDED -> controller.getSwitch(e.device().id()).ifPresent(this::installTableMiss);
            case DEVICE_REMOVED -> switches.remove(e.device().id());
            default -> { }
        }
    }

    private void installTableMiss(OpenFlowSwitch sw) {
        switches.put(sw.dpid(), new SwitchState());
        sw.write(OfpFlowMod.builder(FlowModCommand.ADD).xid(sw.nextXid()).table(table.value()).priority(TABLE_MISS_PRIORITY)
                .apply(Action.Output.to(PortNo.CONTROLLER)).build());
    }

    @Override
    public boolean process(OpenFlowSwitch sw, OfpPacketIn pi) {
        byte[] d = pi.data();
        if (d.length < 14) {
            return true;
        }
        SwitchState st = switches.get(sw.dpid());
        if (st == null) {
            st = switches.computeIfAbsent(sw.dpid(), k -> new SwitchState());
        }
        long dst = mac(d, 0);
        long src = mac(d, 6);
        Oxm inOxm = pi.match().get(OxmField.IN_PORT);
        if (inOxm == null) {
            return true;
        }
        int in = (int) inOxm.value();
        if ((src & MULTICAST) == 0) {
            st.macs.put(src, in);
        }
        int out = (dst & MULTICAST) != 0 ? -1 : st.macs.get(dst);
        if (out == in) {
            return true;
        }
        if (out < 0) {
            sw.write(new OfpPacketOut(0, pi.bufferId(), PortNo.of(in), FLOOD, pi.bufferId().isNone() ? d : EMPTY));
            return true;
        }
        Match match;
        try {
            match = Match.of(Oxm.exact(OxmField.IN_PORT, in & 0xFFFF_FFFFL), Oxm.exact(OxmField.ETH_DST, dst),
                    Oxm.exact(OxmField.ETH_SRC, src));
        } catch (dev.iovirt.openflow.OfpException impossible) {
            throw new IllegalStateException(impossible);
        }
        final int port = out;
        List<Instruction> instructions = st.instructionsByPort.computeIfAbsent(port,
                p -> List.of(new Instruction.ApplyActions(List.of(Action.Output.to(p)))));
        // OF 1.3.5 §7.3.4.1: a flow mod with a buffer id also applies to that buffered packet.
        sw.write(new OfpFlowMod(0, 0, 0, table, FlowModCommand.ADD, idleTimeout, 0, FLOW_PRIORITY, pi.bufferId(),
                PortNo.ANY, GroupId.ANY, 0, match, instructions));
        if (pi.bufferId().isNone()) {
            List<Action> actions = st.actionsByPort.computeIfAbsent(port, p -> List.of(Action.Output.to(p)));
            sw.write(new OfpPacketOut(0, BufferId.NO_BUFFER, PortNo.of(in), actions, d));
        }
        return true;
    }

    /** How many MAC addresses the app has learned on {@code sw}. */
    public int learned(Object dpid) {
        SwitchState st = switches.get(dpid);
        return st == null ? 0 : st.macs.size();
    }

    private static final long MULTICAST = 1L << 40; // the I/G bit of the first octet (IEEE 802 §8.2)
    private static final byte[] EMPTY = new byte[0];

    private static long mac(byte[] b, int off) {
        return (b[off] & 0xFFL) << 40 | (b[off + 1] & 0xFFL) << 32 | (b[off + 2] & 0xFFL) << 24
                | (b[off + 3] & 0xFFL) << 16 | (b[off + 4] & 0xFFL) << 8 | (b[off + 5] & 0xFFL);
    }
}
