package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.Bucket;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.vswitch.datapath.Classifier;
import dev.iovirt.vswitch.datapath.DpAction;
import dev.iovirt.vswitch.datapath.FlowWords;
import dev.iovirt.vswitch.datapath.FlowWords.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Translation of one packet through the OpenFlow pipeline into datapath actions (Open vSwitch's
 * "xlate"): table lookups from table 0 with goto-table, instructions in the order of OF 1.3.5
 * §5.9 (meter, apply-actions, clear-actions, write-actions, write-metadata, goto-table), the action
 * set executed at the end in the order of §5.10, groups (§5.6.1), and NORMAL.
 *
 * <p>It works on a copy of the packed key that actions modify, so that later tables see the packet
 * as rewritten. Every field a decision reads is added to the wildcards, so that the megaflow
 * installed for the result covers only packets that would be translated the same way.
 */
final class Xlate {
    /** Groups chained deeper than this stop translation (OVS bounds resubmit depth the same way). */
    static final int MAX_DEPTH = 16;

    /** What a megaflow stands for: the flow entries and group buckets its packets are credited to. */
    record Cache(FlowEntry[] flows, GroupEntry[] groups, int[] buckets) {
    }

    private final Bridge bridge;
    final long[] key = new long[FlowWords.WORDS];
    final long[] wildcards;
    final List<DpAction> out;
    final int inPort;
    final Trace trace;
    private final List<FlowEntry> flows = new ArrayList<>();
    private final List<GroupEntry> groups = new ArrayList<>();
    private final List<Integer> buckets = new ArrayList<>();
    /** The action set (§5.10): at most one action of each kind, set-field one per field. */
    private final TreeMap<Integer, Action> actionSet = new TreeMap<>();
    private FlowEntry current;
    private int currentTable;
    private boolean stopped;
    /** True when NORMAL learned a new address or a move: other megaflows may now be wrong. */
    boolean learned;
    /** Bit i set once mirror i has its copy of this packet. */
    private long mirrored;

    Xlate(Bridge bridge, long[] words, int off, long[] wildcards, List<DpAction> out, Trace trace) {
        this.bridge = bridge;
        System.arraycopy(words, off, key, 0, FlowWords.WORDS);
        this.wildcards = wildcards;
        this.out = out;
        this.inPort = (int) Field.IN_PORT.get(key, 0);
        this.trace = trace;
        // The in_port always matters: every table-miss, flood and NORMAL decision depends on it.
        unwildcard(Field.IN_PORT);
    }

    Cache cache() {
        int[] b = new int[buckets.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = buckets.get(i);
        }
        return new Cache(flows.toArray(new FlowEntry[0]), groups.toArray(new GroupEntry[0]), b);
    }

    void unwildcard(Field f) {
        wildcards[f.word] |= f.wordMask;
    }

    private void trace(String s) {
        if (trace != null) {
            trace.step(s);
        }
    }

    /** Runs the pipeline from {@code table}. */
    void run(int table) {
        mirrorIngress();
        if (bridge.isFailOpen()) {
            if (trace != null) {
                trace.table(table, "fail-open (hidden, above every flow entry)");
            }
            normal();
            return;
        }
        while (!stopped) {
            FlowTable t = bridge.table(table);
            Classifier.Rule<FlowEntry> r = t == null ? null : t.classifier.lookup(key, 0, wildcards);
            if (t != null) {
                t.lookups++;
            }
            if (r == null) {
                // OF 1.3.5 §5.4: without a table-miss flow entry, a miss drops the packet.
                if (trace != null) {
                    trace.table(table, "No match.");
                    trace.step("drop");
                }
                return;
            }
            t.matched++;
            FlowEntry e = r.payload();
            flows.add(e);
            current = e;
            currentTable = table;
            if (trace != null) {
                String m = e.match.toString();
                trace.table(table, "priority " + e.priority + (e.cookie != 0 ? ", cookie 0x" + Long.toHexString(e.cookie) : "")
                        + (m.isEmpty() ? "" : ", " + m));
            }
            Integer next = null;
            for (Instruction ins : e.instructions) { // stored in §5.9 order by the flow-mod
                if (stopped) {
                    return;
                }
                switch (ins) {
                    case Instruction.Meter m -> {
                        MeterEntry meter = bridge.meter(m.meter().value());
                        if (meter != null) {
                            out.add(new DpAction.Meter(meter.dp));
                            trace("meter:" + m.meter().value());
                        }
                    }
                    case Instruction.ApplyActions a -> {
                        for (Action act : a.actions()) {
                            if (stopped) {
                                break;
                            }
                            apply(act, 0);
                        }
                    }
                    case Instruction.ClearActions c -> {
                        actionSet.clear();
                        trace("clear_actions");
                    }
                    case Instruction.WriteActions w -> {
                        for (Action act : w.actions()) {
                            actionSet.put(setSlot(act), act);
                        }
                        trace(w.toString());
                    }
                    case Instruction.WriteMetadata w -> {
                        long md = Field.METADATA.get(key, 0);
                        Field.METADATA.set(key, 0, md & ~w.mask() | w.metadata() & w.mask());
                        trace(w.toString());
                    }
                    case Instruction.GotoTable g -> {
                        next = g.table().value();
                        trace("goto_table:" + next);
                    }
                }
            }
            if (next == null) {
                executeActionSet();
                return;
            }
            table = next;
        }
    }

    /** OF 1.3.5 §5.10: the order in which an action set executes, as slot numbers (set-field by field after). */
    private static int setSlot(Action a) {
        return switch (a) {
            case Action.CopyTtlIn c -> 0;
            case Action.PopVlan p -> 1;
            case Action.PopMpls p -> 2;
            case Action.PopPbb p -> 3;
            case Action.PushMpls p -> 4;
            case Action.PushPbb p -> 5;
            case Action.PushVlan p -> 6;
            case Action.CopyTtlOut c -> 7;
            case Action.DecMplsTtl d -> 8;
            case Action.DecNwTtl d -> 9;
            case Action.SetMplsTtl s -> 10;
            case Action.SetNwTtl s -> 11;
            case Action.SetField s -> 100 + s.field().field().ordinal();
            case Action.SetQueue s -> 1000;
            case Action.Group g -> 1001;
            case Action.Output o -> 1002;
        };
    }

    private void executeActionSet() {
        if (actionSet.isEmpty()) {
            return;
        }
        trace("action set: " + actionSet.values());
        boolean hasGroup = actionSet.containsKey(1001);
        for (Action a : actionSet.values()) {
            if (stopped) {
                return;
            }
            if (hasGroup && a instanceof Action.Output) {
                continue; // §5.10: with a group action, the output action is ignored
            }
            apply(a, 0);
        }
    }

    /** Applies one action to the packet now. */
    void apply(Action a, int depth) {
        switch (a) {
            case Action.Output o -> output(o.port().value(), o.maxLen());
            case Action.Group g -> group(g.group().value(), depth);
            case Action.PushVlan p -> {
                unwildcard(Field.VLAN_TCI);
                int tci = (int) Field.VLAN_TCI.get(key, 0);
                // §7.2.5: a pushed tag copies VID and PCP from the tag it covers, if any.
                int wire = (tci & FlowWords.VLAN_PRESENT) != 0 ? tci & ~FlowWords.VLAN_PRESENT : 0;
                out.add(new DpAction.PushVlan(p.ethertype(), wire));
                Field.VLAN_TCI.set(key, 0, wire | FlowWords.VLAN_PRESENT);
                trace(a.toString());
            }
            case Action.PopVlan p -> {
                unwildcard(Field.VLAN_TCI);
                if ((Field.VLAN_TCI.get(key, 0) & FlowWords.VLAN_PRESENT) != 0) {
                    out.add(new DpAction.PopVlan());
                    Field.VLAN_TCI.set(key, 0, 0);
                }
                trace(a.toString());
            }
            case Action.SetField s -> setField(s.field());
            case Action.DecNwTtl d -> {
                unwildcard(Field.IP_TTL);
                unwildcard(Field.ETH_TYPE);
                long ttl = Field.IP_TTL.get(key, 0);
                if (Field.ETH_TYPE.get(key, 0) != 0x0800) {
                    trace("dec_ttl: not IPv4, ignored");
                } else if (ttl <= 1) {
                    // §7.2.5: a packet with an invalid TTL is dropped (or sent to the controller if so configured).
                    trace("dec_ttl: TTL " + ttl + " expires, packet dropped");
                    stopped = true;
                } else {
                    out.add(new DpAction.SetIpv4Ttl(-1));
                    Field.IP_TTL.set(key, 0, ttl - 1);
                    trace("dec_ttl");
                }
            }
            case Action.SetNwTtl s -> {
                out.add(new DpAction.SetIpv4Ttl(s.ttl()));
                Field.IP_TTL.set(key, 0, s.ttl());
                trace(a.toString());
            }
            case Action.SetQueue q -> trace(a + " (queues are not modeled; ignored)");
            default -> trace(a + ": not supported, ignored");
        }
    }

    private void setField(Oxm o) {
        long v = o.value();
        switch (o.field()) {
            case ETH_SRC -> {
                out.add(new DpAction.SetEthSrc(v));
                Field.ETH_SRC.set(key, 0, v);
            }
            case ETH_DST -> {
                out.add(new DpAction.SetEthDst(v));
                Field.ETH_DST.set(key, 0, v);
            }
            case VLAN_VID -> {
                unwildcard(Field.VLAN_TCI);
                int tci = (int) Field.VLAN_TCI.get(key, 0);
                if ((tci & FlowWords.VLAN_PRESENT) != 0) {
                    int wire = (tci & 0xE000) | (int) (v & 0xFFF);
                    setTci(wire);
                }
            }
            case VLAN_PCP -> {
                unwildcard(Field.VLAN_TCI);
                int tci = (int) Field.VLAN_TCI.get(key, 0);
                if ((tci & FlowWords.VLAN_PRESENT) != 0) {
                    int wire = (int) (v & 7) << 13 | (tci & 0x0FFF);
                    setTci(wire);
                }
            }
            case IPV4_SRC -> {
                out.add(new DpAction.SetIpv4(true, (int) v));
                Field.NW_SRC.set(key, 0, v);
            }
            case IPV4_DST -> {
                out.add(new DpAction.SetIpv4(false, (int) v));
                Field.NW_DST.set(key, 0, v);
            }
            case IP_DSCP -> {
                out.add(new DpAction.SetIpDscp((int) v));
                Field.IP_TOS.set(key, 0, Field.IP_TOS.get(key, 0) & 0x3 | v << 2);
            }
            case TCP_SRC, UDP_SRC -> {
                out.add(new DpAction.SetTransportPort(true, (int) v));
                Field.TP_SRC.set(key, 0, v);
            }
            case TCP_DST, UDP_DST -> {
                out.add(new DpAction.SetTransportPort(false, (int) v));
                Field.TP_DST.set(key, 0, v);
            }
            case TUNNEL_ID -> {
                out.add(new DpAction.SetTunnel(v));
                Field.TUNNEL_ID.set(key, 0, v);
            }
            default -> {
                trace("set_field:" + o + ": not supported, ignored");
                return;
            }
        }
        trace("set_field:" + o.valueText() + "->" + o.field().ovsName());
    }

    /** Rewrites the outer tag's TCI; right after a push, the push itself carries the new TCI (as OVS prints it). */
    private void setTci(int wire) {
        if (!out.isEmpty() && out.get(out.size() - 1) instanceof DpAction.PushVlan p) {
            out.set(out.size() - 1, new DpAction.PushVlan(p.tpid(), wire));
        } else {
            out.add(new DpAction.SetVlanTci(wire));
        }
        Field.VLAN_TCI.set(key, 0, wire | FlowWords.VLAN_PRESENT);
    }

    private void output(int port, int maxLen) {
        if (port == PortNo.IN_PORT.value()) {
            emit(inPort, true);
        } else if (port == PortNo.NORMAL.value()) {
            normal();
        } else if (port == PortNo.FLOOD.value() || port == PortNo.ALL.value()) {
            boolean flood = port == PortNo.FLOOD.value();
            trace(flood ? "FLOOD" : "ALL");
            for (int p : bridge.portNumbers()) {
                if (p != inPort) {
                    emit(p, false);
                }
            }
        } else if (port == PortNo.CONTROLLER.value()) {
            out.add(new DpAction.Userspace(OfpPacketIn.REASON_ACTION, current == null ? 0 : current.cookie,
                    currentTable, maxLen));
            trace("CONTROLLER:" + maxLen);
        } else if (Integer.compareUnsigned(port, PortNo.MAX.value()) > 0) {
            trace("output to " + PortNo.of(port) + ": not supported here, dropped");
        } else if (port == inPort) {
            trace("output:" + port + " (skipping output to input port)");
        } else {
            emit(port, true);
        }
    }

    /** Outputs to a port if it exists and forwards; {@code explicit} outputs are traced even when skipped. */
    private void emit(int port, boolean explicit) {
        BridgePort bp = bridge.port(port);
        if (bp == null) {
            if (explicit) {
                trace("output:" + port + " (no such port, dropped)");
            }
            return;
        }
        if (!bp.forwards()) {
            trace("output:" + port + " (port is down or no_fwd, dropped)");
            return;
        }
        out.add(new DpAction.Output(port));
        trace("output:" + port);
        mirrorEgress(port);
    }

    /** Copies the packet, as received, to every mirror that selects its ingress port. */
    private void mirrorIngress() {
        List<Mirror> ms = bridge.mirrors();
        for (int i = 0; i < ms.size(); i++) {
            Mirror m = ms.get(i);
            if (m.selectSrc().contains(inPort)) {
                mirrorTo(i, m);
            }
        }
    }

    /** Copies the packet, as sent, to every mirror that selects {@code port} on egress. */
    private void mirrorEgress(int port) {
        List<Mirror> ms = bridge.mirrors();
        for (int i = 0; i < ms.size(); i++) {
            Mirror m = ms.get(i);
            if (m.selectDst().contains(port)) {
                mirrorTo(i, m);
            }
        }
    }

    private void mirrorTo(int index, Mirror m) {
        if ((mirrored & 1L << index) != 0 || m.outputPort() == inPort) {
            return;
        }
        mirrored |= 1L << index;
        BridgePort bp = bridge.port(m.outputPort());
        if (bp != null && bp.forwards()) {
            out.add(new DpAction.Output(m.outputPort()));
            trace("mirror " + m.name() + ": output:" + m.outputPort());
        }
    }

    /** The NORMAL action: a learning bridge (IEEE 802.1Q) on the packet's VLAN. */
    private void normal() {
        unwildcard(Field.ETH_SRC);
        unwildcard(Field.ETH_DST);
        unwildcard(Field.VLAN_TCI);
        long tci = Field.VLAN_TCI.get(key, 0);
        int vlan = (tci & FlowWords.VLAN_PRESENT) != 0 ? (int) (tci & 0xFFF) : 0;
        long src = Field.ETH_SRC.get(key, 0);
        long dst = Field.ETH_DST.get(key, 0);
        long now = bridge.now();
        if (bridge.macTable().learn(vlan, src, inPort, now)) {
            learned = true;
            trace("NORMAL: learned " + dev.iovirt.packet.MacAddress.format(src) + " on port " + inPort + ", vlan " + vlan);
        }
        int port = (dst & 0x0100_0000_0000L) != 0 ? -1 : bridge.macTable().lookup(vlan, dst, now);
        if (port < 0) {
            trace("NORMAL: " + ((dst & 0x0100_0000_0000L) != 0 ? "multicast" : "unknown destination") + ", flooding");
            for (int p : bridge.portNumbers()) {
                if (p != inPort) {
                    emit(p, false);
                }
            }
        } else if (port == inPort) {
            trace("NORMAL: destination is on the input port, dropped");
        } else {
            trace("NORMAL: forwarding to learned port " + port);
            emit(port, true);
        }
    }

    private void group(int id, int depth) {
        GroupEntry g = bridge.group(id);
        if (g == null) {
            trace("group:" + id + " (no such group, dropped)");
            return;
        }
        if (depth >= MAX_DEPTH) {
            trace("group:" + id + " (groups chained too deep, dropped)");
            stopped = true;
            return;
        }
        trace("group:" + id + " (" + g.type.name().toLowerCase() + ")");
        if (trace != null) {
            trace.nest(4);
        }
        switch (g.type) {
            case ALL -> {
                for (int i = 0; i < g.buckets.size(); i++) {
                    bucket(g, i, depth, true);
                }
            }
            case INDIRECT -> {
                if (!g.buckets.isEmpty()) {
                    bucket(g, 0, depth, false);
                }
            }
            case SELECT -> {
                int chosen = select(g);
                if (chosen >= 0) {
                    bucket(g, chosen, depth, false);
                } else {
                    trace("no live bucket, dropped");
                }
            }
            case FF -> {
                int live = -1;
                for (int i = 0; i < g.buckets.size() && live < 0; i++) {
                    if (bucketLive(g.buckets.get(i), depth)) {
                        live = i;
                    }
                }
                if (live >= 0) {
                    bucket(g, live, depth, false);
                } else {
                    trace("no live bucket, dropped");
                }
            }
        }
        if (trace != null) {
            trace.nest(-4);
        }
    }

    private static long mix(long h, long v) {
        h = (h ^ v) * 0x9E37_79B9_7F4A_7C15L;
        return h ^ h >>> 29;
    }

    /** The fields a select group hashes, as (source, destination) pairs; a field on its own is paired with null. */
    private static final Field[][] SELECT_HASH = {
        {Field.ETH_SRC, Field.ETH_DST}, {Field.ETH_TYPE, null}, {Field.IP_PROTO, null},
        {Field.NW_SRC, Field.NW_DST}, {Field.TP_SRC, Field.TP_DST}};

    /**
     * A select group's bucket by a hash of the packet's addresses and ports, weighted, among live
     * buckets; the hashed fields become part of the megaflow.
     *
     * <p>The hash is symmetric, like OVS's {@code symmetric_l4} selection method: each source and
     * destination pair (Ethernet addresses, IPv4 addresses, transport ports) enters it
     * order-independently (the smaller value first), so a connection's frames in both directions
     * pick the same bucket. A stateful appliance behind a select group (a firewall instance of a
     * service chain's port-pair group) therefore sees both halves of every connection. OpenFlow
     * leaves the selection algorithm to the switch (OF 1.3.5 §5.6.1).
     */
    private int select(GroupEntry g) {
        long h = 0x51_7CC1_B727_220AL;
        for (Field[] pair : SELECT_HASH) {
            unwildcard(pair[0]);
            long a = pair[0].get(key, 0);
            long b = 0;
            if (pair[1] != null) {
                unwildcard(pair[1]);
                b = pair[1].get(key, 0);
                if (Long.compareUnsigned(a, b) > 0) { // Invariant: the pair hashes the same in either direction.
                    long t = a;
                    a = b;
                    b = t;
                }
            }
            h = mix(mix(h, a), b);
        }
        long total = 0;
        for (Bucket b : g.buckets) {
            if (bucketLive(b, 0)) {
                total += Math.max(1, b.weight());
            }
        }
        if (total == 0) {
            return -1;
        }
        long pick = Long.remainderUnsigned(h, total);
        for (int i = 0; i < g.buckets.size(); i++) {
            Bucket b = g.buckets.get(i);
            if (!bucketLive(b, 0)) {
                continue;
            }
            pick -= Math.max(1, b.weight());
            if (pick < 0) {
                return i;
            }
        }
        return -1;
    }

    /** §6.5: a bucket is live if its watch port is up and its watch group has a live bucket. */
    private boolean bucketLive(Bucket b, int depth) {
        if (!b.watchPort().equals(PortNo.ANY)) {
            BridgePort p = bridge.port(b.watchPort().value());
            if (p == null || !p.isLive()) {
                return false;
            }
        }
        if (!b.watchGroup().equals(GroupId.ANY)) {
            GroupEntry w = bridge.group(b.watchGroup().value());
            if (w == null || depth >= MAX_DEPTH) {
                return false;
            }
            for (Bucket wb : w.buckets) {
                if (bucketLive(wb, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private void bucket(GroupEntry g, int index, int depth, boolean copy) {
        groups.add(g);
        buckets.add(index);
        trace("bucket " + index);
        List<Action> actions = g.buckets.get(index).actions();
        if (!copy || !modifies(actions)) {
            for (Action a : actions) {
                if (stopped) {
                    return;
                }
                apply(a, depth + 1);
            }
            return;
        }
        // Each bucket of an ALL group works on its own copy of the packet: translate into a clone.
        long[] saved = key.clone();
        boolean wasStopped = stopped;
        List<DpAction> nested = new ArrayList<>();
        List<DpAction> outer = new ArrayList<>(out);
        out.clear();
        for (Action a : actions) {
            if (stopped) {
                break;
            }
            apply(a, depth + 1);
        }
        nested.addAll(out);
        out.clear();
        out.addAll(outer);
        out.add(new DpAction.Clone(nested));
        System.arraycopy(saved, 0, key, 0, key.length);
        stopped = wasStopped; // a TTL expiring in one bucket's copy does not stop the others
    }

    private static boolean modifies(List<Action> actions) {
        for (Action a : actions) {
            if (!(a instanceof Action.Output) && !(a instanceof Action.Group) && !(a instanceof Action.SetQueue)) {
                return true;
            }
        }
        return false;
    }
}
