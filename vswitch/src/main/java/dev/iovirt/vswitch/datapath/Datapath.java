package dev.iovirt.vswitch.datapath;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast path of one switch, in the shape of Open vSwitch's userspace datapath (dpif-netdev):
 *
 * <pre>
 * port.receive ─▶ batch (≤ 32) ─▶ parse + pack ─▶ exact-match cache ─hit─▶ execute actions ─▶ port.transmit
 *                                                   │ miss                      ▲          (batched per port)
 *                                                   ▼                           │
 *                                             megaflow classifier ─hit──────────┤
 *                                                   │ miss                      │
 *                                                   ▼                           │
 *                                          upcall: slow path translates ─▶ install megaflow
 * </pre>
 *
 * Nothing is allocated per packet on the two cached paths: frames, keys, packed keys and output
 * batches are preallocated and reused. A miss allocates the new megaflow.
 *
 * <p>Invariant: one thread drives a datapath ({@link #poll}, {@link #process}) and makes its control
 * changes ({@link #addPort}, {@link #invalidate}); the switch serializes control changes onto it.
 */
public final class Datapath {
    /** Datapath flows kept at most, as Open vSwitch's default flow limit; beyond it all are flushed. */
    public static final int MAX_MEGAFLOWS = 200_000;

    private final String name;
    private final UpcallHandler slowPath;
    private final java.util.function.LongSupplier clock;
    /** Frames for clone actions, one per nesting level. */
    private final Frame[] cloneFrames = {new Frame(), new Frame(), new Frame(), new Frame()};
    private long nowNanos;
    private FramePort[] ports = new FramePort[8];
    private FrameBatch[] txBatches = new FrameBatch[8];
    private final FrameBatch rx = new FrameBatch();
    private final FlowKey[] keys = new FlowKey[FrameBatch.MAX_BURST];
    private final long[] words = new long[FrameBatch.MAX_BURST * FlowWords.WORDS];
    private final long[] wildcards = new long[FlowWords.WORDS];
    private final List<DpAction> translated = new ArrayList<>();
    private final Classifier<Megaflow> megaflows = new Classifier<>();
    /** One array per distinct action list, shared by every megaflow with those actions (they stay in cache). */
    private final java.util.HashMap<List<DpAction>, DpAction[]> internedActions = new java.util.HashMap<>();
    private final ExactMatchCache emc = new ExactMatchCache();
    private final DatapathStats stats = new DatapathStats();
    private boolean emcEnabled = true;
    /** One EMC insertion per this many megaflow hits on average (OVS's emc-insert-inv-prob default). */
    private int emcInsertInverseProbability = 100;
    private long random = 0x2545F4914F6CDD1DL;

    public Datapath(String name, UpcallHandler slowPath) {
        this(name, slowPath, System::nanoTime);
    }

    /**
     * @param clock the platform's clock in nanoseconds (virtual time under a step driver); read
     *     once per batch, for meters and flow usage times
     */
    public Datapath(String name, UpcallHandler slowPath, java.util.function.LongSupplier clock) {
        this.name = name;
        this.slowPath = slowPath;
        this.clock = clock;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new FlowKey();
        }
    }

    public String name() {
        return name;
    }

    public DatapathStats stats() {
        return stats;
    }

    /** Turns the exact-match cache off (to measure the megaflow classifier alone) or on. */
    public void setExactMatchCacheEnabled(boolean enabled) {
        emcEnabled = enabled;
        emc.clear();
    }

    /**
     * Sets how rarely a megaflow hit is copied into the exact-match cache: once per {@code n} hits
     * on average (1: always). Rare insertion keeps a flood of short flows from evicting the long
     * ones, as Open vSwitch's {@code other_config:emc-insert-inv-prob} (default 100).
     */
    public void setEmcInsertInverseProbability(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("emc insert inverse probability must be >= 1: " + n);
        }
        emcInsertInverseProbability = n;
    }

    private boolean shouldInsertIntoEmc() {
        if (emcInsertInverseProbability == 1) {
            return true;
        }
        // xorshift64: cheap, allocation-free, and not tied to the flow (every flow gets its chance).
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        return Long.remainderUnsigned(random, emcInsertInverseProbability) == 0;
    }

    /** Adds a port at the lowest free number from 1 and returns the number. */
    public int addPort(FramePort port) {
        int no = 1;
        while (no < ports.length && ports[no] != null) {
            no++;
        }
        addPort(no, port);
        return no;
    }

    /** Adds a port at number {@code no} (1..65279, OpenFlow's range of physical ports). */
    public void addPort(int no, FramePort port) {
        if (no < 1 || no > 0xFEFF) {
            throw new IllegalArgumentException("port number must be 1..65279: " + no);
        }
        if (no >= ports.length) {
            int n = Math.max(ports.length * 2, no + 1);
            ports = java.util.Arrays.copyOf(ports, n);
            txBatches = java.util.Arrays.copyOf(txBatches, n);
        }
        if (ports[no] != null) {
            throw new IllegalArgumentException("port " + no + " is taken by " + ports[no].name());
        }
        ports[no] = port;
        txBatches[no] = new FrameBatch();
        invalidate();
    }

    /** Removes port {@code no}; returns it, or null if there was none. */
    public FramePort removePort(int no) {
        if (no < 1 || no >= ports.length || ports[no] == null) {
            return null;
        }
        FramePort p = ports[no];
        ports[no] = null;
        txBatches[no] = null;
        invalidate();
        return p;
    }

    public FramePort port(int no) {
        return no > 0 && no < ports.length ? ports[no] : null;
    }

    /** Marks every megaflow dead and empties both caches; the next packets go to the slow path. */
    public void invalidate() {
        megaflows.forEach(r -> {
            r.payload().alive = false;
            slowPath.evicted(r.payload());
        });
        megaflows.clear();
        emc.clear();
        stats.invalidations++;
    }

    /** The installed megaflows (as {@code ovs-appctl dpctl/dump-flows}); allocates. */
    public List<Megaflow> megaflows() {
        List<Megaflow> all = new ArrayList<>();
        megaflows.forEach(r -> all.add(r.payload()));
        return all;
    }

    /** The number of masks among the megaflows (each a probe on a full classifier miss). */
    public int megaflowMasks() {
        return megaflows.subtableCount();
    }

    /**
     * Receives one batch from every port and processes it.
     *
     * @return frames processed; 0 means every port was idle
     */
    public int poll() {
        int total = 0;
        for (int no = 1; no < ports.length; no++) {
            FramePort p = ports[no];
            if (p == null) {
                continue;
            }
            rx.clear();
            if (p.receive(rx) > 0) {
                total += process(no, rx);
            }
        }
        return total;
    }

    /** Polls until no port has anything to receive; returns frames processed. For step-driven tests. */
    public int runUntilQuiet() {
        int total = 0;
        for (int n; (n = poll()) > 0; ) {
            total += n;
        }
        return total;
    }

    /** Processes a batch of frames that entered on {@code inPort} and sends out what they become. */
    public int process(int inPort, FrameBatch batch) {
        int n = batch.size();
        nowNanos = clock.getAsLong();
        for (int i = 0; i < n; i++) {
            Frame f = batch.get(i);
            f.setInPort(inPort);
            FlowKeyParser.parse(f, keys[i]);
            FlowWords.pack(keys[i], f.tunnelId(), 0, words, i * FlowWords.WORDS);
        }
        stats.packets += n;
        for (int i = 0; i < n; i++) {
            int off = i * FlowWords.WORDS;
            Frame f = batch.get(i);
            Megaflow flow = resolve(off, keys[i]);
            flow.packets++;
            flow.bytes += f.length();
            flow.usedNanos = nowNanos;
            execute(flow.actionArray(), f, keys[i], 0);
        }
        flushOutputs();
        return n;
    }

    /**
     * Executes {@code actions} on one frame outside the caches (an OpenFlow packet-out) and sends
     * what it outputs.
     */
    public void execute(Frame frame, List<DpAction> actions) {
        nowNanos = clock.getAsLong();
        FlowKey key = keys[0];
        FlowKeyParser.parse(frame, key);
        keyStale = false;
        for (DpAction a : actions) {
            if (!apply(a, frame, key, 0)) {
                break;
            }
        }
        flushOutputs();
    }

    private Megaflow resolve(int off, FlowKey key) {
        long hash = 0;
        if (emcEnabled) {
            hash = FlowWords.hash(words, off);
            Megaflow f = emc.lookup(hash, words, off);
            if (f != null) {
                stats.emcHits++;
                return f;
            }
        }
        Classifier.Rule<Megaflow> r = megaflows.lookup(words, off, null);
        stats.subtableProbes += megaflows.subtableCount();
        if (r != null) {
            stats.megaflowHits++;
            Megaflow f = r.payload();
            if (emcEnabled && shouldInsertIntoEmc()) {
                emc.insert(hash, words, off, f);
            }
            return f;
        }
        stats.misses++;
        Megaflow f = upcall(off, key);
        if (emcEnabled) {
            emc.insert(hash, words, off, f);
        }
        return f;
    }

    private Megaflow upcall(int off, FlowKey key) {
        java.util.Arrays.fill(wildcards, 0);
        translated.clear();
        Object owner = slowPath.translate(key, words, off, wildcards, translated);
        if (megaflows.size() >= MAX_MEGAFLOWS) {
            invalidate();
        }
        DpAction[] actions = internedActions.get(translated);
        if (actions == null) {
            if (internedActions.size() >= MAX_MEGAFLOWS) {
                internedActions.clear();
            }
            actions = translated.toArray(new DpAction[0]);
            internedActions.put(List.of(actions), actions);
        }
        Megaflow f = new Megaflow(FlowMatch.ofKey(words, off, wildcards), actions, owner);
        megaflows.insert(f.match(), 0, f);
        return f;
    }

    /** Runs {@code actions} on {@code f}; returns false if the frame was dropped on the way (meter, error). */
    private boolean execute(DpAction[] actions, Frame f, FlowKey key, int depth) {
        keyStale = false;
        for (DpAction a : actions) {
            if (!apply(a, f, key, depth)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@link #keys}' entry for the frame being executed no longer describes it (after a push or pop). */
    private boolean keyStale;

    private void freshen(Frame f, FlowKey key) {
        if (keyStale) {
            FlowKeyParser.parse(f, key);
            keyStale = false;
        }
    }

    private boolean apply(DpAction a, Frame f, FlowKey key, int depth) {
        switch (a) {
            case DpAction.Output o -> output(o.port(), f);
            case DpAction.SetEthDst s -> Bytes.putU48(f.buffer(), f.offset(), s.mac());
            case DpAction.SetEthSrc s -> Bytes.putU48(f.buffer(), f.offset() + 6, s.mac());
            case DpAction.PushVlan p -> {
                if (!pushVlan(f, p)) {
                    stats.actionErrors++;
                    return false;
                }
                keyStale = true;
            }
            case DpAction.PopVlan p -> {
                popVlan(f);
                keyStale = true;
            }
            case DpAction.SetIpv4 s -> {
                freshen(f, key);
                setIpv4(f, key, s);
            }
            case DpAction.SetTransportPort s -> {
                freshen(f, key);
                setTransportPort(f, key, s);
            }
            case DpAction.SetIpv4Ttl t -> {
                freshen(f, key);
                setTtl(f, key, t.ttl());
            }
            case DpAction.SetIpDscp d -> {
                freshen(f, key);
                setDscp(f, key, d.dscp());
            }
            case DpAction.SetVlanTci t -> setVlanTci(f, t.tci());
            case DpAction.SetTunnel t -> f.setTunnelId(t.tunnelId());
            case DpAction.Userspace u -> {
                freshen(f, key);
                slowPath.userspace(f, key, u);
            }
            case DpAction.Meter m -> {
                return m.meter().admit(nowNanos, f.length());
            }
            case DpAction.Clone c -> {
                if (depth >= cloneFrames.length) {
                    stats.actionErrors++;
                    return true;
                }
                Frame copy = cloneFrames[depth];
                copy.copyFrom(f);
                freshen(f, key);
                List<DpAction> nested = c.actions();
                for (int i = 0, n = nested.size(); i < n; i++) {
                    if (!apply(nested.get(i), copy, key, depth + 1)) {
                        break;
                    }
                }
                // The nested actions may have re-parsed the copy into the key: describe the frame again.
                FlowKeyParser.parse(f, key);
                keyStale = false;
            }
        }
        return true;
    }

    private static void setVlanTci(Frame f, int tci) {
        byte[] b = f.buffer();
        int o = f.offset();
        if (f.length() >= 18) {
            int type = Bytes.getU16(b, o + 12);
            if (type == EtherType.VLAN || type == EtherType.QINQ) {
                Bytes.putU16(b, o + 14, tci);
            }
        }
    }

    private static void setDscp(Frame f, FlowKey key, int dscp) {
        if (!key.has(FlowKey.L_IPV4)) {
            return;
        }
        byte[] b = f.buffer();
        int l3 = f.offset() + key.l3Offset();
        int oldWord = Bytes.getU16(b, l3); // version/IHL and TOS share one 16-bit word
        int newWord = (oldWord & 0xFF03) | (dscp & 0x3F) << 2;
        Bytes.putU16(b, l3, newWord);
        Bytes.putU16(b, l3 + 10, Checksums.update16(Bytes.getU16(b, l3 + 10), oldWord, newWord));
    }

    private void output(int port, Frame f) {
        FrameBatch tx = port > 0 && port < txBatches.length ? txBatches[port] : null;
        if (tx == null) {
            stats.txDropped++;
            return;
        }
        if (tx.isFull()) {
            flush(port);
        }
        if (!tx.add(f)) {
            stats.txDropped++;
            return;
        }
        stats.outputs++;
    }

    private void flushOutputs() {
        for (int no = 1; no < txBatches.length; no++) {
            FrameBatch tx = txBatches[no];
            if (tx != null && !tx.isEmpty()) {
                flush(no);
            }
        }
    }

    private void flush(int no) {
        FrameBatch tx = txBatches[no];
        int sent = ports[no].transmit(tx);
        stats.txDropped += tx.size() - sent;
        tx.clear();
    }

    /** IEEE 802.1Q: the tag goes between the source MAC and the EtherType. */
    private static boolean pushVlan(Frame f, DpAction.PushVlan p) {
        if (f.length() < 14 || f.push(4) < 0) {
            return false;
        }
        byte[] b = f.buffer();
        int o = f.offset();
        System.arraycopy(b, o + 4, b, o, 12);
        Bytes.putU16(b, o + 12, p.tpid());
        Bytes.putU16(b, o + 14, p.tci());
        return true;
    }

    private static void popVlan(Frame f) {
        byte[] b = f.buffer();
        int o = f.offset();
        if (f.length() < 18) {
            return;
        }
        int type = Bytes.getU16(b, o + 12);
        if (type != EtherType.VLAN && type != EtherType.QINQ) {
            return;
        }
        System.arraycopy(b, o, b, o + 4, 12);
        f.pull(4);
    }

    private static void setIpv4(Frame f, FlowKey key, DpAction.SetIpv4 s) {
        if (!key.has(FlowKey.L_IPV4)) {
            return;
        }
        byte[] b = f.buffer();
        int l3 = f.offset() + key.l3Offset();
        int at = l3 + (s.source() ? 12 : 16);
        int old = Bytes.getI32(b, at);
        Bytes.putI32(b, at, s.address());
        Bytes.putU16(b, l3 + 10, Checksums.update32(Bytes.getU16(b, l3 + 10), old, s.address()));
        // The TCP and UDP checksums cover the addresses through the pseudo-header (RFC 9293 §3.1, RFC 768).
        int l4 = f.offset() + key.l4Offset();
        if (key.has(FlowKey.L_TCP)) {
            Bytes.putU16(b, l4 + 16, Checksums.update32(Bytes.getU16(b, l4 + 16), old, s.address()));
        } else if (key.has(FlowKey.L_UDP) && Bytes.getU16(b, l4 + 6) != 0) {
            int c = Checksums.update32(Bytes.getU16(b, l4 + 6), old, s.address());
            Bytes.putU16(b, l4 + 6, c == 0 ? 0xFFFF : c);
        }
    }

    private static void setTransportPort(Frame f, FlowKey key, DpAction.SetTransportPort s) {
        boolean tcp = key.has(FlowKey.L_TCP);
        if (!tcp && !key.has(FlowKey.L_UDP)) {
            return;
        }
        byte[] b = f.buffer();
        int l4 = f.offset() + key.l4Offset();
        int at = l4 + (s.source() ? 0 : 2);
        int old = Bytes.getU16(b, at);
        Bytes.putU16(b, at, s.port());
        int csumAt = l4 + (tcp ? 16 : 6);
        int csum = Bytes.getU16(b, csumAt);
        if (tcp || csum != 0) {
            int c = Checksums.update16(csum, old, s.port());
            Bytes.putU16(b, csumAt, !tcp && c == 0 ? 0xFFFF : c);
        }
    }

    private static void setTtl(Frame f, FlowKey key, int ttl) {
        if (!key.has(FlowKey.L_IPV4)) {
            return;
        }
        byte[] b = f.buffer();
        int l3 = f.offset() + key.l3Offset();
        int oldWord = Bytes.getU16(b, l3 + 8); // TTL and protocol share one 16-bit word
        int oldTtl = oldWord >>> 8;
        int newTtl = ttl < 0 ? Math.max(0, oldTtl - 1) : ttl & 0xFF;
        int newWord = newTtl << 8 | (oldWord & 0xFF);
        Bytes.putU16(b, l3 + 8, newWord);
        Bytes.putU16(b, l3 + 10, Checksums.update16(Bytes.getU16(b, l3 + 10), oldWord, newWord));
    }

    @Override
    public String toString() {
        return "Datapath[" + name + ", " + megaflows.size() + " megaflows, " + stats + "]";
    }
}
