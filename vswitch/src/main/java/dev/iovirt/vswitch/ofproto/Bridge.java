package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.Bucket;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.FlowStats;
import dev.iovirt.openflow.GroupDesc;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.GroupStats;
import dev.iovirt.openflow.GroupType;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.MeterBand;
import dev.iovirt.openflow.MeterConfig;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.MeterStats;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpGetConfigReply;
import dev.iovirt.openflow.OfpGetConfigRequest;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMeterMod;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.OfpPortMod;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.OfpRoleReply;
import dev.iovirt.openflow.OfpRoleRequest;
import dev.iovirt.openflow.OfpSetConfig;
import dev.iovirt.openflow.OfpTableMod;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.PortStats;
import dev.iovirt.openflow.TableId;
import dev.iovirt.openflow.TableStats;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vswitch.datapath.Classifier;
import dev.iovirt.vswitch.datapath.Datapath;
import dev.iovirt.vswitch.datapath.DpAction;
import dev.iovirt.vswitch.datapath.DpMeter;
import dev.iovirt.vswitch.datapath.FlowMatch;
import dev.iovirt.vswitch.datapath.FlowWords;
import dev.iovirt.vswitch.datapath.Megaflow;
import dev.iovirt.vswitch.datapath.UpcallHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One OpenFlow 1.3 switch ("bridge", as Open vSwitch calls it): ports, the pipeline of flow
 * tables, groups and meters, a datapath that caches the pipeline's decisions, and the OpenFlow
 * semantics of every message a controller sends ({@link #handle}). What the switch reports on its
 * own (packet-in, port-status, flow-removed) goes to the {@linkplain #setEventSink event sink}.
 *
 * <p>Invariant: one thread drives a bridge — polling, handling messages and tracing — as one
 * thread drives an Open vSwitch PMD; an agent hands messages to that thread. Tests drive it step
 * by step with {@link #runUntilQuiet()}.
 */
public final class Bridge implements UpcallHandler {
    /** Flow tables 0..253 (OFPTT_MAX is 254, the ALL wildcard 255). */
    public static final int TABLES = 254;
    /** Groups and meters a bridge holds at most. */
    static final int MAX_GROUPS = 65_536;
    static final int MAX_METERS = 65_536;

    private final String name;
    private final DatapathId datapathId;
    private final LongSupplier clock;
    private final Datapath datapath;
    /** Entries with an idle or hard timeout: {@link #expireFlows} has work only while there are some. */
    private int timedFlows;
    private final FlowTable[] tables = new FlowTable[TABLES];
    private final TreeMap<Integer, BridgePort> ports = new TreeMap<>();
    private final TreeMap<Integer, GroupEntry> groups = new TreeMap<>();
    private final TreeMap<Integer, MeterEntry> meters = new TreeMap<>();
    private List<Mirror> mirrors = List.of();
    private final MacLearningTable macTable = new MacLearningTable(MacLearningTable.DEFAULT_AGING_NANOS);
    private final long createdNanos;
    private Consumer<OfpMessage> events = m -> { };
    private int configFlags;
    private int missSendLen = 128;
    private boolean relearn;
    /** Fail-open (standalone with no controller): every packet takes NORMAL, whatever the tables say. */
    private boolean failOpen;
    private int[] portNumbers = new int[0];

    public Bridge(String name, DatapathId datapathId, LongSupplier clock) {
        this.name = name;
        this.datapathId = datapathId;
        this.clock = clock;
        this.datapath = new Datapath(name, this, clock);
        this.createdNanos = clock.getAsLong();
    }

    public String name() {
        return name;
    }

    public DatapathId datapathId() {
        return datapathId;
    }

    public Datapath datapath() {
        return datapath;
    }

    /** Where packet-in, port-status and flow-removed messages go (the agent, or a test). */
    public void setEventSink(Consumer<OfpMessage> sink) {
        this.events = sink;
    }

    long now() {
        return clock.getAsLong();
    }

    MacLearningTable macTable() {
        return macTable;
    }

    FlowTable table(int id) {
        return id >= 0 && id < TABLES ? tables[id] : null;
    }

    BridgePort port(int number) {
        return ports.get(number);
    }

    int[] portNumbers() {
        return portNumbers;
    }

    GroupEntry group(int id) {
        return groups.get(id);
    }

    MeterEntry meter(int id) {
        return meters.get(id);
    }

    // ------------------------------------------------------------------ ports

    /** Adds a port at the lowest free number and announces it (OFPPR_ADD). */
    public int addPort(String portName, FramePort port) {
        int no = 1;
        while (ports.containsKey(no)) {
            no++;
        }
        addPort(no, portName, port);
        return no;
    }

    /** Adds a port at {@code number} and announces it. */
    public void addPort(int number, String portName, FramePort port) {
        if (ports.containsKey(number)) {
            throw new IllegalArgumentException("port " + number + " exists: " + ports.get(number).name);
        }
        // A stable locally administered address per bridge and port.
        long mac = 0x02_00_00_00_00_00L | (datapathId.value() & 0xFF_FF00L) << 8 | (number & 0xFFFF);
        BridgePort bp = new BridgePort(number, portName, MacAddress.of(mac & 0xFFFF_FFFF_FFFFL), port);
        datapath.addPort(number, port);
        ports.put(number, bp);
        portNumbers = ports.keySet().stream().mapToInt(Integer::intValue).toArray();
        events.accept(new OfpPortStatus(0, OfpPortStatus.REASON_ADD, bp.describe()));
    }

    /** Removes a port and announces it (OFPPR_DELETE). */
    public void removePort(int number) {
        BridgePort bp = ports.remove(number);
        if (bp == null) {
            return;
        }
        datapath.removePort(number);
        macTable.forgetPort(number);
        portNumbers = ports.keySet().stream().mapToInt(Integer::intValue).toArray();
        events.accept(new OfpPortStatus(0, OfpPortStatus.REASON_DELETE, bp.describe()));
    }

    /** Tells the bridge that a port's link state changed: decisions may change (fast failover), so caches go. */
    public void portStateChanged(int number) {
        BridgePort bp = ports.get(number);
        if (bp != null) {
            datapath.invalidate();
            events.accept(new OfpPortStatus(0, OfpPortStatus.REASON_MODIFY, bp.describe()));
        }
    }

    /**
     * Turns fail-open on or off: while on, every packet takes the NORMAL action, as Open vSwitch's
     * hidden fail-open flow (priority 0xf0f0f0, above every OpenFlow priority, absent from flow
     * dumps) makes it; the flow tables stay as they are and decide again when it is turned off.
     */
    public void setFailOpen(boolean on) {
        if (failOpen != on) {
            failOpen = on;
            datapath.invalidate();
        }
    }

    public boolean isFailOpen() {
        return failOpen;
    }

    /** Adds a port mirror; cached decisions are dropped so that it applies at once. */
    public void addMirror(Mirror mirror) {
        for (Mirror m : mirrors) {
            if (m.name().equals(mirror.name())) {
                throw new IllegalArgumentException("mirror " + mirror.name() + " exists");
            }
        }
        List<Mirror> next = new ArrayList<>(mirrors);
        next.add(mirror);
        mirrors = List.copyOf(next);
        datapath.invalidate();
    }

    /** Removes a mirror by name; false if there was none. */
    public boolean removeMirror(String mirrorName) {
        List<Mirror> next = new ArrayList<>(mirrors);
        boolean removed = next.removeIf(m -> m.name().equals(mirrorName));
        mirrors = List.copyOf(next);
        datapath.invalidate();
        return removed;
    }

    List<Mirror> mirrors() {
        return mirrors;
    }

    public List<BridgePort> ports() {
        return List.copyOf(ports.values());
    }

    // ------------------------------------------------------------------ running

    /** Receives and forwards one batch from every port; returns frames processed. */
    public int poll() {
        int n = datapath.poll();
        if (relearn) {
            // NORMAL learned an address or a move: megaflows that flooded towards it are stale.
            relearn = false;
            datapath.invalidate();
        }
        return n;
    }

    /** Polls until every port is idle. */
    public int runUntilQuiet() {
        int total = 0;
        for (int n; (n = poll()) > 0; ) {
            total += n;
        }
        return total;
    }

    // ------------------------------------------------------------------ slow path (UpcallHandler)

    @Override
    public Object translate(FlowKey key, long[] words, int off, long[] wildcards, List<DpAction> actions) {
        Xlate x = new Xlate(this, words, off, wildcards, actions, null);
        x.run(0);
        if (x.learned) {
            relearn = true;
        }
        return x.cache();
    }

    @Override
    public void userspace(Frame frame, FlowKey key, DpAction.Userspace action) {
        int len = frame.length();
        int keep = action.maxLen() == Action.CML_NO_BUFFER ? len : Math.min(len, action.maxLen());
        byte[] data = Arrays.copyOfRange(frame.buffer(), frame.offset(), frame.offset() + keep);
        Match.Builder m = Match.builder().inPort(frame.inPort());
        if (frame.tunnelId() != 0) {
            m.exact(OxmField.TUNNEL_ID, frame.tunnelId());
        }
        events.accept(new OfpPacketIn(0, BufferId.NO_BUFFER, len, action.reason(), new TableId(action.tableId()),
                action.cookie(), m.build(), data));
    }

    @Override
    public void evicted(Megaflow megaflow) {
        credit(megaflow);
    }

    private void credit(Megaflow mf) {
        long packets = mf.takeNewPackets();
        long bytes = mf.takeNewBytes();
        if (packets == 0 || !(mf.owner() instanceof Xlate.Cache c)) {
            return;
        }
        for (FlowEntry e : c.flows()) {
            e.packets += packets;
            e.bytes += bytes;
            e.lastUsedNanos = Math.max(e.lastUsedNanos, mf.usedNanos());
        }
        for (int i = 0; i < c.groups().length; i++) {
            GroupEntry g = c.groups()[i];
            // One entry per bucket taken: an ALL group appears once per bucket but counts the packet once.
            if (!seenBefore(c.groups(), i)) {
                g.packets += packets;
                g.bytes += bytes;
            }
            int b = c.buckets()[i];
            if (b < g.bucketPackets.length) {
                g.bucketPackets[b] += packets;
                g.bucketBytes[b] += bytes;
            }
        }
    }

    private static boolean seenBefore(GroupEntry[] groups, int i) {
        for (int j = 0; j < i; j++) {
            if (groups[j] == groups[i]) {
                return true;
            }
        }
        return false;
    }

    /** Credits every live megaflow's new counts to its flow entries and groups (before stats are read). */
    public void pushStats() {
        for (Megaflow mf : datapath.megaflows()) {
            credit(mf);
        }
    }

    /**
     * Traces a frame through the pipeline without sending it, as {@code ovs-appctl ofproto/trace}:
     * tables, matched entries, actions, the datapath actions and the megaflow they would get.
     */
    public Trace trace(int inPort, byte[] frame) {
        return trace(inPort, frame, 0);
    }

    /** As {@link #trace(int, byte[])}, for a frame that arrived from a tunnel with {@code tunnelId} (its VNI). */
    public Trace trace(int inPort, byte[] frame, long tunnelId) {
        FlowKey key = FlowKeyParser.parse(frame, 0, frame.length, inPort, new FlowKey());
        long[] words = new long[FlowWords.WORDS];
        FlowWords.pack(key, tunnelId, 0, words, 0);
        Trace t = new Trace(name, key.toString());
        long[] wc = new long[FlowWords.WORDS];
        List<DpAction> actions = new ArrayList<>();
        // A trace must not change the MAC table: NORMAL learns only from real packets.
        Xlate x = new Xlate(this, words, 0, wc, actions, t);
        x.run(0);
        t.finish(actions, FlowMatch.ofKey(words, 0, wc), x.key);
        return t;
    }

    // ------------------------------------------------------------------ OpenFlow

    /**
     * Carries out one message from a controller and returns the replies (possibly none, possibly an
     * OFPT_ERROR with the spec's type and code). Nothing is half-applied: a message that fails
     * changes nothing.
     */
    public List<OfpMessage> handle(OfpMessage msg) {
        try {
            return switch (msg) {
                case OfpFlowMod m -> {
                    flowMod(m);
                    yield List.of();
                }
                case OfpGroupMod m -> {
                    groupMod(m);
                    yield List.of();
                }
                case OfpMeterMod m -> {
                    meterMod(m);
                    yield List.of();
                }
                case OfpPacketOut m -> {
                    packetOut(m);
                    yield List.of();
                }
                // Long replies (254 tables of features, many flows) go out in parts with REPLY_MORE (§7.3.5).
                case OfpMultipartRequest m -> List.copyOf(multipart(m).split(OfpMessage.MAX_LENGTH));
                case OfpFeaturesRequest m -> List.of(new OfpFeaturesReply(m.xid(), datapathId, 0, TABLES, 0,
                        OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_TABLE_STATS
                                | OfpFeaturesReply.CAP_PORT_STATS | OfpFeaturesReply.CAP_GROUP_STATS));
                case OfpGetConfigRequest m -> List.of(new OfpGetConfigReply(m.xid(), configFlags, missSendLen));
                case OfpSetConfig m -> {
                    configFlags = m.flags();
                    missSendLen = m.missSendLen();
                    yield List.of();
                }
                case OfpBarrierRequest m -> List.of(new OfpBarrierReply(m.xid()));
                case OfpEchoRequest m -> List.of(new OfpEchoReply(m.xid(), m.data()));
                case OfpRoleRequest m -> List.of(new OfpRoleReply(m.xid(), m.role(), m.generationId()));
                case OfpPortMod m -> {
                    portMod(m);
                    yield List.of();
                }
                case OfpTableMod m -> {
                    if (m.tableId().value() >= TABLES && m.tableId().value() != TableId.ALL.value()) {
                        throw new OfpException(ErrorCode.TABLE_MOD_FAILED_BAD_TABLE, "table " + m.tableId().value());
                    }
                    yield List.of(); // OF 1.3: table config bits are deprecated; nothing to set
                }
                default -> throw new OfpException(ErrorCode.BAD_REQUEST_BAD_TYPE,
                        msg.getClass().getSimpleName() + " is not a message a switch accepts");
            };
        } catch (OfpException e) {
            return List.of(OfpError.of(msg.xid(), e.code(), new byte[0]));
        }
    }

    // ---- flow mods (OF 1.3.5 §6.4)

    private void flowMod(OfpFlowMod m) throws OfpException {
        int table = m.tableId().value();
        FlowModCommand cmd = m.command();
        boolean delete = cmd == FlowModCommand.DELETE || cmd == FlowModCommand.DELETE_STRICT;
        if (table >= TABLES && !(delete && table == TableId.ALL.value())) {
            throw new OfpException(ErrorCode.FLOW_MOD_FAILED_BAD_TABLE_ID, "table " + table + " does not exist (0.." + (TABLES - 1) + ")");
        }
        int known = OfpFlowMod.FLAG_SEND_FLOW_REM | OfpFlowMod.FLAG_CHECK_OVERLAP | OfpFlowMod.FLAG_RESET_COUNTS
                | OfpFlowMod.FLAG_NO_PKT_COUNTS | OfpFlowMod.FLAG_NO_BYT_COUNTS;
        if ((m.flags() & ~known) != 0) {
            throw new OfpException(ErrorCode.FLOW_MOD_FAILED_BAD_FLAGS, "flags 0x" + Integer.toHexString(m.flags()));
        }
        FlowMatch fm = MatchConversion.toFlowMatch(m.match());
        switch (cmd) {
            case ADD -> add(m, table, fm);
            case MODIFY, MODIFY_STRICT -> modify(m, table, fm, cmd == FlowModCommand.MODIFY_STRICT);
            case DELETE, DELETE_STRICT -> delete(m, table, fm, cmd == FlowModCommand.DELETE_STRICT);
        }
        datapath.invalidate();
    }

    private List<Instruction> validatedInstructions(OfpFlowMod m, int table) throws OfpException {
        List<Instruction> sorted = new ArrayList<>(m.instructions());
        // §5.9: instructions execute in this order whatever order they came in; each kind at most once.
        sorted.sort(Comparator.comparingInt(Bridge::instructionOrder));
        for (int i = 1; i < sorted.size(); i++) {
            if (instructionOrder(sorted.get(i)) == instructionOrder(sorted.get(i - 1))) {
                throw new OfpException(ErrorCode.BAD_INSTRUCTION_UNSUP_INST, "instruction " + sorted.get(i) + " appears twice");
            }
        }
        for (Instruction ins : sorted) {
            switch (ins) {
                case Instruction.GotoTable g -> {
                    int next = g.table().value();
                    if (next <= table || next >= TABLES) {
                        throw new OfpException(ErrorCode.BAD_INSTRUCTION_BAD_TABLE_ID,
                                "goto_table:" + next + " from table " + table + " (must go forward, to at most " + (TABLES - 1) + ")");
                    }
                }
                case Instruction.Meter mt -> {
                    if (!meters.containsKey(mt.meter().value())) {
                        throw new OfpException(ErrorCode.METER_MOD_FAILED_UNKNOWN_METER, "meter " + mt.meter().value());
                    }
                }
                case Instruction.ApplyActions a -> validateActions(a.actions(), m.match());
                case Instruction.WriteActions w -> validateActions(w.actions(), m.match());
                default -> {
                }
            }
        }
        return List.copyOf(sorted);
    }

    private static int instructionOrder(Instruction i) {
        return switch (i) {
            case Instruction.Meter m -> 0;
            case Instruction.ApplyActions a -> 1;
            case Instruction.ClearActions c -> 2;
            case Instruction.WriteActions w -> 3;
            case Instruction.WriteMetadata w -> 4;
            case Instruction.GotoTable g -> 5;
        };
    }

    private void validateActions(List<Action> actions, Match match) throws OfpException {
        for (Action a : actions) {
            switch (a) {
                case Action.Output o -> {
                    int p = o.port().value();
                    boolean reserved = Integer.compareUnsigned(p, PortNo.MAX.value()) > 0;
                    if (p == 0 || p == PortNo.TABLE.value() || p == PortNo.ANY.value() || p == PortNo.LOCAL.value()
                            || (reserved && p != PortNo.IN_PORT.value() && p != PortNo.NORMAL.value()
                                && p != PortNo.FLOOD.value() && p != PortNo.ALL.value() && p != PortNo.CONTROLLER.value())) {
                        throw new OfpException(ErrorCode.BAD_ACTION_BAD_OUT_PORT, "output to " + o.port() + " is not allowed in a flow");
                    }
                }
                case Action.Group g -> {
                    if (!groups.containsKey(g.group().value())) {
                        throw new OfpException(ErrorCode.BAD_ACTION_BAD_OUT_GROUP, "group " + g.group().value() + " does not exist");
                    }
                }
                case Action.SetField s -> validateSetField(s.field(), match);
                case Action.PushVlan p -> {
                    if (p.ethertype() != 0x8100 && p.ethertype() != 0x88A8) {
                        throw new OfpException(ErrorCode.BAD_ACTION_BAD_ARGUMENT, "push_vlan ethertype 0x" + Integer.toHexString(p.ethertype()));
                    }
                }
                case Action.PopVlan p -> {
                }
                case Action.DecNwTtl d -> {
                }
                case Action.SetNwTtl s -> {
                }
                case Action.SetQueue s -> {
                }
                default -> throw new OfpException(ErrorCode.BAD_ACTION_BAD_TYPE, a + " is not supported by this switch");
            }
        }
    }

    /** {@code match} is null for actions outside a flow entry (buckets, packet-out), where no match can be checked. */
    private static void validateSetField(Oxm o, Match match) throws OfpException {
        switch (o.field()) {
            case ETH_SRC, ETH_DST, TUNNEL_ID -> {
            }
            case VLAN_VID, VLAN_PCP -> {
            }
            case IPV4_SRC, IPV4_DST, IP_DSCP -> requireExact(match, OxmField.ETH_TYPE, 0x0800, o);
            case TCP_SRC, TCP_DST -> requireExact(match, OxmField.IP_PROTO, 6, o);
            case UDP_SRC, UDP_DST -> requireExact(match, OxmField.IP_PROTO, 17, o);
            default -> throw new OfpException(ErrorCode.BAD_ACTION_BAD_SET_TYPE, "set_field of " + o.field().ovsName() + " is not supported");
        }
    }

    /** §7.2.5: a set-field's prerequisites must be met by the match. */
    private static void requireExact(Match match, OxmField f, long value, Oxm set) throws OfpException {
        if (match == null) {
            return;
        }
        Oxm have = match.get(f);
        if (have == null || have.hasMask() || have.value() != value) {
            throw new OfpException(ErrorCode.BAD_ACTION_MATCH_INCONSISTENT,
                    "set_field of " + set.field().ovsName() + " needs a match on " + f.ovsName() + "=" + value);
        }
    }

    private FlowTable tableFor(int id) {
        FlowTable t = tables[id];
        if (t == null) {
            t = tables[id] = new FlowTable(id);
        }
        return t;
    }

    private void add(OfpFlowMod m, int table, FlowMatch fm) throws OfpException {
        List<Instruction> instructions = validatedInstructions(m, table);
        FlowTable t = tableFor(table);
        Classifier.Rule<FlowEntry> same = t.classifier.find(fm, m.priority());
        if (same == null && (m.flags() & OfpFlowMod.FLAG_CHECK_OVERLAP) != 0) {
            for (Classifier.Rule<FlowEntry> r : t.classifier.rules()) {
                if (r.priority() == m.priority() && overlaps(r.match(), fm)) {
                    throw new OfpException(ErrorCode.FLOW_MOD_FAILED_OVERLAP, "overlaps " + r.payload());
                }
            }
        }
        if (same == null && t.classifier.size() >= FlowTable.MAX_ENTRIES) {
            throw new OfpException(ErrorCode.FLOW_MOD_FAILED_TABLE_FULL, "table " + table + " holds " + FlowTable.MAX_ENTRIES + " entries");
        }
        long now = now();
        FlowEntry e;
        if (same != null) {
            // §6.4: an identical entry is replaced; its counters stay unless RESET_COUNTS is set.
            e = same.payload();
            pushStats();
            if ((m.flags() & OfpFlowMod.FLAG_RESET_COUNTS) != 0) {
                e.packets = 0;
                e.bytes = 0;
            }
        } else {
            e = new FlowEntry(table, m.match(), fm, m.priority());
            e.createdNanos = now;
            e.rule = t.classifier.insert(fm, m.priority(), e);
        }
        e.cookie = m.cookie();
        if (same != null && e.hasTimeout()) {
            timedFlows--;
        }
        e.idleTimeout = m.idleTimeout();
        e.hardTimeout = m.hardTimeout();
        if (e.hasTimeout()) {
            timedFlows++;
        }
        e.flags = m.flags();
        e.instructions = instructions;
        e.lastUsedNanos = now;
    }

    /** Whether some packet matches both: on every bit both care about, they agree. */
    private static boolean overlaps(FlowMatch a, FlowMatch b) {
        for (int w = 0; w < FlowWords.WORDS; w++) {
            if (((a.value(w) ^ b.value(w)) & a.mask(w) & b.mask(w)) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether request match {@code req} covers entry match {@code e} (non-strict selection, §6.4). */
    private static boolean covers(FlowMatch req, FlowMatch e) {
        for (int w = 0; w < FlowWords.WORDS; w++) {
            if ((req.mask(w) & ~e.mask(w)) != 0 || (e.value(w) & req.mask(w)) != req.value(w)) {
                return false;
            }
        }
        return true;
    }

    private List<FlowEntry> select(OfpFlowMod m, int table, FlowMatch fm, boolean strict, boolean filterOut) {
        List<FlowEntry> found = new ArrayList<>();
        for (int id = 0; id < TABLES; id++) {
            if ((table != TableId.ALL.value() && id != table) || tables[id] == null) {
                continue;
            }
            for (Classifier.Rule<FlowEntry> r : tables[id].classifier.rules()) {
                FlowEntry e = r.payload();
                boolean matchOk = strict ? e.priority == m.priority() && e.flowMatch.equals(fm) : covers(fm, e.flowMatch);
                boolean cookieOk = (e.cookie & m.cookieMask()) == (m.cookie() & m.cookieMask());
                if (matchOk && cookieOk && (!filterOut || outputsTo(e, m.outPort(), m.outGroup()))) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    /** §6.4: delete's out_port/out_group filters select entries with an output to that port/group. */
    private static boolean outputsTo(FlowEntry e, PortNo port, GroupId group) {
        if (port.equals(PortNo.ANY) && group.equals(GroupId.ANY)) {
            return true;
        }
        for (Instruction i : e.instructions) {
            List<Action> acts = i instanceof Instruction.ApplyActions a ? a.actions()
                    : i instanceof Instruction.WriteActions w ? w.actions() : List.of();
            for (Action a : acts) {
                if (!port.equals(PortNo.ANY) && a instanceof Action.Output o && o.port().equals(port)) {
                    return true;
                }
                if (!group.equals(GroupId.ANY) && a instanceof Action.Group g && g.group().equals(group)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void modify(OfpFlowMod m, int table, FlowMatch fm, boolean strict) throws OfpException {
        List<FlowEntry> targets = select(m, table, fm, strict, false);
        List<Instruction> instructions = validatedInstructions(m, table);
        pushStats();
        for (FlowEntry e : targets) {
            e.instructions = instructions;
            if ((m.flags() & OfpFlowMod.FLAG_RESET_COUNTS) != 0) {
                e.packets = 0;
                e.bytes = 0;
            }
        }
    }

    private void delete(OfpFlowMod m, int table, FlowMatch fm, boolean strict) {
        pushStats();
        for (FlowEntry e : select(m, table, fm, strict, true)) {
            remove(e, OfpFlowRemoved.REASON_DELETE);
        }
    }

    private void remove(FlowEntry e, int reason) {
        tables[e.tableId].classifier.remove(e.rule);
        if (e.hasTimeout()) {
            timedFlows--;
        }
        if ((e.flags & OfpFlowMod.FLAG_SEND_FLOW_REM) != 0) {
            long age = now() - e.createdNanos;
            events.accept(new OfpFlowRemoved(0, e.cookie, e.priority, reason, new TableId(e.tableId),
                    age / 1_000_000_000L, age % 1_000_000_000L, e.idleTimeout, e.hardTimeout, e.packets, e.bytes, e.match));
        }
    }

    /** Removes entries whose idle or hard timeout has passed (§5.5), announcing them if asked. */
    public int expireFlows() {
        if (timedFlows == 0) {
            return 0; // nothing can expire: no scan (a hypervisor's switch holds thousands of permanent entries)
        }
        pushStats();
        long now = now();
        List<FlowEntry> expired = new ArrayList<>();
        List<Integer> reasons = new ArrayList<>();
        for (FlowTable t : tables) {
            if (t == null) {
                continue;
            }
            for (Classifier.Rule<FlowEntry> r : t.classifier.rules()) {
                FlowEntry e = r.payload();
                if (e.hardTimeout > 0 && now - e.createdNanos >= e.hardTimeout * 1_000_000_000L) {
                    expired.add(e);
                    reasons.add(OfpFlowRemoved.REASON_HARD_TIMEOUT);
                } else if (e.idleTimeout > 0 && now - e.lastUsedNanos >= e.idleTimeout * 1_000_000_000L) {
                    expired.add(e);
                    reasons.add(OfpFlowRemoved.REASON_IDLE_TIMEOUT);
                }
            }
        }
        for (int i = 0; i < expired.size(); i++) {
            remove(expired.get(i), reasons.get(i));
        }
        if (!expired.isEmpty()) {
            datapath.invalidate();
        }
        return expired.size();
    }

    /** All flow entries, table by table, highest priority first. */
    public List<FlowEntry> flows() {
        pushStats();
        List<FlowEntry> all = new ArrayList<>();
        for (FlowTable t : tables) {
            if (t != null) {
                List<FlowEntry> es = new ArrayList<>();
                t.classifier.forEach(r -> es.add(r.payload()));
                es.sort(Comparator.comparingInt((FlowEntry e) -> -e.priority).thenComparing(e -> e.match.toString()));
                all.addAll(es);
            }
        }
        return all;
    }

    // ---- groups (§6.7) and meters (§6.8)

    private void groupMod(OfpGroupMod m) throws OfpException {
        int id = m.groupId().value();
        if (Integer.compareUnsigned(id, GroupId.MAX.value()) > 0 && !(m.command() == dev.iovirt.openflow.GroupModCommand.DELETE
                && id == GroupId.ALL.value())) {
            throw new OfpException(ErrorCode.GROUP_MOD_FAILED_INVALID_GROUP, "group id 0x" + Integer.toHexString(id) + " is reserved");
        }
        switch (m.command()) {
            case ADD, MODIFY -> {
                boolean exists = groups.containsKey(id);
                if (m.command() == dev.iovirt.openflow.GroupModCommand.ADD && exists) {
                    throw new OfpException(ErrorCode.GROUP_MOD_FAILED_GROUP_EXISTS, "group " + id + " exists");
                }
                if (m.command() == dev.iovirt.openflow.GroupModCommand.MODIFY && !exists) {
                    throw new OfpException(ErrorCode.GROUP_MOD_FAILED_UNKNOWN_GROUP, "group " + id + " does not exist");
                }
                validateBuckets(id, m.groupType(), m.buckets());
                if (!exists && groups.size() >= MAX_GROUPS) {
                    throw new OfpException(ErrorCode.GROUP_MOD_FAILED_OUT_OF_GROUPS, MAX_GROUPS + " groups");
                }
                if (exists) {
                    pushStats();
                    groups.get(id).set(m.groupType(), m.buckets());
                } else {
                    groups.put(id, new GroupEntry(id, m.groupType(), m.buckets(), now()));
                }
            }
            case DELETE -> {
                pushStats();
                List<Integer> ids = id == GroupId.ALL.value() ? new ArrayList<>(groups.keySet()) : List.of(id);
                for (int gid : ids) {
                    if (groups.remove(gid) != null) {
                        // §6.7: deleting a group removes the flow entries that forward to it.
                        OfpFlowMod del = OfpFlowMod.builder(FlowModCommand.DELETE).table(TableId.ALL.value())
                                .outGroup(GroupId.of(gid)).build();
                        for (FlowEntry e : select(del, TableId.ALL.value(), FlowMatch.any(), false, true)) {
                            remove(e, OfpFlowRemoved.REASON_GROUP_DELETE);
                        }
                    }
                }
            }
        }
        datapath.invalidate();
    }

    private void validateBuckets(int id, GroupType type, List<Bucket> buckets) throws OfpException {
        if (type == GroupType.INDIRECT && buckets.size() != 1) {
            throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_BUCKET, "an indirect group has exactly one bucket, not " + buckets.size());
        }
        for (Bucket b : buckets) {
            if (type == GroupType.FF && b.watchPort().equals(PortNo.ANY) && b.watchGroup().equals(GroupId.ANY)) {
                throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_WATCH, "a fast-failover bucket must watch a port or a group");
            }
            if (type != GroupType.SELECT && b.weight() != 0) {
                throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_BUCKET, "only select buckets have a weight");
            }
            for (Action a : b.actions()) {
                if (a instanceof Action.Group g && (g.group().value() == id || reaches(g.group().value(), id, 0))) {
                    throw new OfpException(ErrorCode.GROUP_MOD_FAILED_LOOP, "group " + id + " would reach itself");
                }
            }
            validateActions(b.actions(), null);
        }
    }

    /** Whether group {@code from} forwards (through chains) to group {@code target}. */
    private boolean reaches(int from, int target, int depth) {
        GroupEntry g = groups.get(from);
        if (g == null || depth > Xlate.MAX_DEPTH) {
            return false;
        }
        for (Bucket b : g.buckets) {
            for (Action a : b.actions()) {
                if (a instanceof Action.Group next && (next.group().value() == target || reaches(next.group().value(), target, depth + 1))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void meterMod(OfpMeterMod m) throws OfpException {
        int id = m.meterId().value();
        if (id == 0 || Integer.compareUnsigned(id, MeterId.MAX.value()) > 0 && id != MeterId.ALL.value()) {
            throw new OfpException(ErrorCode.METER_MOD_FAILED_INVALID_METER, "meter id 0x" + Integer.toHexString(id));
        }
        switch (m.command()) {
            case ADD, MODIFY -> {
                boolean exists = meters.containsKey(id);
                if (m.command() == dev.iovirt.openflow.MeterModCommand.ADD && exists) {
                    throw new OfpException(ErrorCode.METER_MOD_FAILED_METER_EXISTS, "meter " + id + " exists");
                }
                if (m.command() == dev.iovirt.openflow.MeterModCommand.MODIFY && !exists) {
                    throw new OfpException(ErrorCode.METER_MOD_FAILED_UNKNOWN_METER, "meter " + id + " does not exist");
                }
                boolean pps = (m.flags() & OfpMeterMod.FLAG_PKTPS) != 0;
                if (pps == ((m.flags() & OfpMeterMod.FLAG_KBPS) != 0)) {
                    throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_FLAGS, "exactly one of kbps and pktps");
                }
                if (m.bands().isEmpty()) {
                    throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_BAND, "a meter needs a band");
                }
                long[] rates = new long[m.bands().size()];
                long[] bursts = new long[rates.length];
                for (int i = 0; i < rates.length; i++) {
                    MeterBand b = m.bands().get(i);
                    if (!(b instanceof MeterBand.Drop d)) {
                        throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_BAND, b + ": only drop bands are supported");
                    }
                    if (d.rate() <= 0) {
                        throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_RATE, "rate " + d.rate());
                    }
                    rates[i] = d.rate();
                    bursts[i] = (m.flags() & OfpMeterMod.FLAG_BURST) != 0 ? d.burstSize() : 0;
                }
                if (!exists && meters.size() >= MAX_METERS) {
                    throw new OfpException(ErrorCode.METER_MOD_FAILED_OUT_OF_METERS, MAX_METERS + " meters");
                }
                meters.put(id, new MeterEntry(id, m.flags(), m.bands(), new DpMeter(id, pps, rates, bursts), now()));
            }
            case DELETE -> {
                List<Integer> ids = id == MeterId.ALL.value() ? new ArrayList<>(meters.keySet()) : List.of(id);
                for (int mid : ids) {
                    if (meters.remove(mid) != null) {
                        // §6.8: entries that use a deleted meter are removed.
                        for (FlowEntry e : flows()) {
                            for (Instruction i : e.instructions) {
                                if (i instanceof Instruction.Meter mt && mt.meter().value() == mid) {
                                    remove(e, OfpFlowRemoved.REASON_DELETE);
                                }
                            }
                        }
                    }
                }
            }
        }
        datapath.invalidate();
    }

    private void portMod(OfpPortMod m) throws OfpException {
        BridgePort bp = ports.get(m.portNo().value());
        if (bp == null) {
            throw new OfpException(ErrorCode.PORT_MOD_FAILED_BAD_PORT, "port " + m.portNo());
        }
        if (!bp.hwAddr.equals(m.hwAddr())) {
            throw new OfpException(ErrorCode.PORT_MOD_FAILED_BAD_HW_ADDR, "port " + m.portNo() + " is " + bp.hwAddr);
        }
        bp.config = bp.config & ~m.mask() | m.config() & m.mask();
        datapath.invalidate();
        events.accept(new OfpPortStatus(0, OfpPortStatus.REASON_MODIFY, bp.describe()));
    }

    // ---- packet out (§6.6)

    private void packetOut(OfpPacketOut m) throws OfpException {
        if (!m.bufferId().equals(BufferId.NO_BUFFER)) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BUFFER_UNKNOWN, "this switch buffers no packets");
        }
        int inPort = m.inPort().value();
        if (inPort != PortNo.CONTROLLER.value() && inPort != PortNo.ANY.value() && !ports.containsKey(inPort)) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_PORT, "in_port " + m.inPort());
        }
        if (m.data().length < 14) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_PACKET, "a packet-out needs an Ethernet frame");
        }
        for (Action a : m.actions()) {
            if (a instanceof Action.Output o && o.port().equals(PortNo.TABLE)) {
                continue; // valid only in packet-out: run the packet through the pipeline
            }
            validateActions(List.of(a), null);
        }
        FrameBatch batch = new FrameBatch(1, Frame.DEFAULT_HEADROOM, Math.max(Frame.DEFAULT_MAX_FRAME, m.data().length));
        batch.add(m.data(), 0, m.data().length);
        int dpIn = ports.containsKey(inPort) ? inPort : 0;
        for (Action a : m.actions()) {
            if (a instanceof Action.Output o && o.port().equals(PortNo.TABLE)) {
                datapath.process(dpIn, batch);
                continue;
            }
            FlowKey key = FlowKeyParser.parse(m.data(), 0, m.data().length, dpIn, new FlowKey());
            long[] words = new long[FlowWords.WORDS];
            FlowWords.pack(key, 0, 0, words, 0);
            List<DpAction> out = new ArrayList<>();
            Xlate x = new Xlate(this, words, 0, new long[FlowWords.WORDS], out, null);
            x.apply(a, 0);
            datapath.execute(batch.get(0), out);
        }
    }

    // ---- statistics (§7.3.5)

    private OfpMultipartReply multipart(OfpMultipartRequest req) throws OfpException {
        pushStats();
        long now = now();
        MpReply body = switch (req.body()) {
            case MpRequest.Desc d -> new MpReply.Desc("iovirt", "iovirt software switch", "0.1", "None", name);
            case MpRequest.Flow f -> new MpReply.Flows(flowStats(f.tableId(), f.outPort(), f.outGroup(), f.cookie(), f.cookieMask(), f.match(), now));
            case MpRequest.Aggregate a -> {
                List<FlowStats> s = flowStats(a.tableId(), a.outPort(), a.outGroup(), a.cookie(), a.cookieMask(), a.match(), now);
                yield new MpReply.Aggregate(s.stream().mapToLong(FlowStats::packetCount).sum(),
                        s.stream().mapToLong(FlowStats::byteCount).sum(), s.size());
            }
            case MpRequest.Table t -> {
                List<TableStats> list = new ArrayList<>();
                for (int id = 0; id < TABLES; id++) {
                    FlowTable ft = tables[id];
                    list.add(new TableStats(new TableId(id), ft == null ? 0 : ft.classifier.size(),
                            ft == null ? 0 : ft.lookups, ft == null ? 0 : ft.matched));
                }
                yield new MpReply.Tables(list);
            }
            case MpRequest.PortStats p -> {
                List<PortStats> list = new ArrayList<>();
                for (BridgePort bp : ports.values()) {
                    if (p.portNo().equals(PortNo.ANY) || p.portNo().value() == bp.number) {
                        PortCounters c = bp.port.counters();
                        long age = now - createdNanos;
                        list.add(new PortStats(PortNo.of(bp.number), c.rxPackets, c.txPackets, c.rxBytes, c.txBytes,
                                c.rxDropped, c.txDropped, c.rxErrors, 0, 0, 0, 0, 0, age / 1_000_000_000L, age % 1_000_000_000L));
                    }
                }
                if (list.isEmpty() && !p.portNo().equals(PortNo.ANY)) {
                    throw new OfpException(ErrorCode.BAD_REQUEST_BAD_PORT, "port " + p.portNo());
                }
                yield new MpReply.Ports(list);
            }
            case MpRequest.PortDesc p -> new MpReply.PortDescs(ports.values().stream().map(BridgePort::describe).toList());
            case MpRequest.GroupDesc g -> new MpReply.GroupDescs(groups.values().stream()
                    .map(e -> new GroupDesc(e.type, GroupId.of(e.id), e.buckets)).toList());
            case MpRequest.Group g -> {
                List<GroupStats> list = new ArrayList<>();
                for (GroupEntry e : groups.values()) {
                    if (g.groupId().equals(GroupId.ALL) || g.groupId().value() == e.id) {
                        long[] counters = new long[e.buckets.size() * 2];
                        for (int i = 0; i < e.buckets.size(); i++) {
                            counters[2 * i] = e.bucketPackets[i];
                            counters[2 * i + 1] = e.bucketBytes[i];
                        }
                        long age = now - e.createdNanos;
                        list.add(new GroupStats(GroupId.of(e.id), refCount(e.id), e.packets, e.bytes,
                                age / 1_000_000_000L, age % 1_000_000_000L, counters));
                    }
                }
                yield new MpReply.Groups(list);
            }
            case MpRequest.MeterConfig mc -> new MpReply.MeterConfigs(meters.values().stream()
                    .filter(e -> mc.meterId().equals(MeterId.ALL) || mc.meterId().value() == e.id)
                    .map(e -> new MeterConfig(e.flags, MeterId.of(e.id), e.bands)).toList());
            case MpRequest.Meter mt -> {
                List<MeterStats> list = new ArrayList<>();
                for (MeterEntry e : meters.values()) {
                    if (mt.meterId().equals(MeterId.ALL) || mt.meterId().value() == e.id) {
                        long[] bands = new long[e.bands.size() * 2];
                        for (int i = 0; i < e.bands.size(); i++) {
                            bands[2 * i] = e.dp.bandDrops(i);
                        }
                        long age = now - e.createdNanos;
                        list.add(new MeterStats(MeterId.of(e.id), 0, e.dp.passed() + e.dp.dropped(), 0,
                                age / 1_000_000_000L, age % 1_000_000_000L, bands));
                    }
                }
                yield new MpReply.Meters(list);
            }
            case MpRequest.TableFeatures tf -> {
                if (!tf.tables().isEmpty()) {
                    // §7.3.5.5: a request with a body reconfigures the tables; ours are fixed.
                    throw new OfpException(ErrorCode.TABLE_FEATURES_FAILED_EPERM, "the pipeline cannot be reconfigured");
                }
                List<dev.iovirt.openflow.TableFeatures> all = new ArrayList<>(TABLES);
                for (int id = 0; id < TABLES; id++) {
                    all.add(tableFeatures(id));
                }
                yield new MpReply.TableFeaturesList(all);
            }
            default -> throw new OfpException(ErrorCode.BAD_REQUEST_BAD_MULTIPART,
                    req.body().getClass().getSimpleName() + " statistics are not supported by this switch");
        };
        return new OfpMultipartReply(req.xid(), 0, body);
    }

    /**
     * What table {@code id} supports (§7.3.5.5.2), as this switch implements it: ovs-ofctl asks for
     * these before every flow-mod and refuses to go on without them.
     */
    private static dev.iovirt.openflow.TableFeatures tableFeatures(int id) {
        int[] instructions = id == TABLES - 1
                ? new int[] {Instruction.WRITE_METADATA, Instruction.WRITE_ACTIONS, Instruction.APPLY_ACTIONS,
                        Instruction.CLEAR_ACTIONS, Instruction.METER}
                : new int[] {Instruction.GOTO_TABLE, Instruction.WRITE_METADATA, Instruction.WRITE_ACTIONS,
                        Instruction.APPLY_ACTIONS, Instruction.CLEAR_ACTIONS, Instruction.METER};
        int[] actions = {Action.OUTPUT, Action.PUSH_VLAN, Action.POP_VLAN, Action.SET_QUEUE, Action.GROUP,
                Action.SET_NW_TTL, Action.DEC_NW_TTL, Action.SET_FIELD};
        int[] next = new int[TABLES - id - 1];
        for (int i = 0; i < next.length; i++) {
            next[i] = id + 1 + i;
        }
        List<OxmField> match = java.util.Arrays.stream(OxmField.values()).filter(MatchConversion::supports).toList();
        List<OxmField> settable = List.of(OxmField.ETH_SRC, OxmField.ETH_DST, OxmField.VLAN_VID, OxmField.VLAN_PCP,
                OxmField.IP_DSCP, OxmField.IPV4_SRC, OxmField.IPV4_DST, OxmField.TCP_SRC, OxmField.TCP_DST,
                OxmField.UDP_SRC, OxmField.UDP_DST, OxmField.TUNNEL_ID);
        List<dev.iovirt.openflow.TableFeatureProp> props = List.of(
                dev.iovirt.openflow.TableFeatureProp.instructions(dev.iovirt.openflow.TableFeatureProp.INSTRUCTIONS, instructions),
                dev.iovirt.openflow.TableFeatureProp.nextTables(dev.iovirt.openflow.TableFeatureProp.NEXT_TABLES, next),
                dev.iovirt.openflow.TableFeatureProp.actions(dev.iovirt.openflow.TableFeatureProp.WRITE_ACTIONS, actions),
                dev.iovirt.openflow.TableFeatureProp.actions(dev.iovirt.openflow.TableFeatureProp.APPLY_ACTIONS, actions),
                dev.iovirt.openflow.TableFeatureProp.oxms(dev.iovirt.openflow.TableFeatureProp.MATCH, match, true),
                dev.iovirt.openflow.TableFeatureProp.oxms(dev.iovirt.openflow.TableFeatureProp.WILDCARDS, match, false),
                dev.iovirt.openflow.TableFeatureProp.oxms(dev.iovirt.openflow.TableFeatureProp.WRITE_SETFIELD, settable, false),
                dev.iovirt.openflow.TableFeatureProp.oxms(dev.iovirt.openflow.TableFeatureProp.APPLY_SETFIELD, settable, false));
        return new dev.iovirt.openflow.TableFeatures(TableId.of(id), "table" + id, -1L, -1L, 0, FlowTable.MAX_ENTRIES, props);
    }

    private long refCount(int groupId) {
        OfpFlowMod probe = OfpFlowMod.builder(FlowModCommand.DELETE).table(TableId.ALL.value()).outGroup(GroupId.of(groupId)).build();
        return select(probe, TableId.ALL.value(), FlowMatch.any(), false, true).size();
    }

    private List<FlowStats> flowStats(TableId table, PortNo outPort, GroupId outGroup, long cookie, long cookieMask,
                                      Match match, long now) throws OfpException {
        OfpFlowMod probe = OfpFlowMod.builder(FlowModCommand.DELETE).table(table.value()).outPort(outPort).outGroup(outGroup)
                .cookie(cookie, cookieMask).match(match).build();
        if (table.value() >= TABLES && table.value() != TableId.ALL.value()) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_TABLE_ID, "table " + table.value());
        }
        List<FlowStats> out = new ArrayList<>();
        for (FlowEntry e : select(probe, table.value(), MatchConversion.toFlowMatch(match), false, true)) {
            long age = now - e.createdNanos;
            out.add(new FlowStats(new TableId(e.tableId), age / 1_000_000_000L, age % 1_000_000_000L, e.priority,
                    e.idleTimeout, e.hardTimeout, e.flags, e.cookie, e.packets, e.bytes, e.match, e.instructions));
        }
        out.sort(Comparator.comparingInt((FlowStats s) -> s.tableId().value()).thenComparing(s -> -s.priority()));
        return out;
    }

    @Override
    public String toString() {
        return "Bridge[" + name + ", dpid " + datapathId + ", " + ports.size() + " ports]";
    }
}
