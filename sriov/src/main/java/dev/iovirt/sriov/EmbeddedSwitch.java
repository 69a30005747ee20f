package dev.iovirt.sriov;

import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.hv.Steppable;
import dev.iovirt.vmm.time.Clock;
import java.util.List;

/**
 * The NIC's embedded switch (VEB, Virtual Ethernet Bridge; PCI-SIG SR-IOV and IEEE 802.1Q-2014 §40 call
 * the mode "VEB"): it joins the VFs and one uplink {@link FramePort} (the wire), and forwards by
 * destination MAC and VLAN from a table the PF (the host) programs — it does not learn, as an X710
 * VEB does not: every VF has the MAC the host gave it.
 *
 * <p><b>How a frame flows</b>, each {@link #step}:
 * <pre>
 *  VF.poll() (TX ring → host side) ─▶ VF.receive(batch)
 *    ─▶ anti-spoofing: source MAC ≠ the VF's MAC and spoof-check on → dropped, counted
 *    ─▶ port VLAN: a VF with a port VLAN may send only untagged frames; they join its VLAN;
 *       a VF without one may tag only with VLANs it joined (mailbox SET_VLAN)
 *    ─▶ rate limit: token bucket per VF (bytes/s, burst) → over the limit: dropped, counted
 *    ─▶ lookup (VLAN, destination MAC): a VF's MAC in the same VLAN → that VF;
 *         broadcast → every other VF in the VLAN and the uplink; multicast → the VFs of the VLAN
 *         that subscribed to it (mailbox SET_MULTICAST) and the uplink;
 *         unknown unicast → the uplink; and a copy to every promiscuous (trusted) VF of the VLAN
 *    ─▶ egress: to a VF with a port VLAN the tag is stripped; to the uplink a VLAN is inserted
 *  uplink.receive(batch) ─▶ lookup as above (never back to the uplink)
 * </pre>
 *
 * <p>In {@link Mode#SWITCHDEV} the VEB forwards nothing: each VF's frames come out of its
 * {@link Representor} and the uplink's out of {@link #uplinkRepresentor()}, for a software switch to
 * own (as Linux's switchdev representors are added to Open vSwitch).
 *
 * <p>Policy changes are the PF driver's (the host's); a VF's driver cannot reach them (it has no
 * mailbox yet — docs/sriov.md). Promiscuous mode takes effect only for a trusted VF.
 *
 * <p><b>Mirrors.</b> A VF's port can carry a {@link Mirror} ({@link #setMirror}) that sees every frame
 * the VF sends into the switch (before the policy above, as it left the VF's TX ring) and every
 * frame the switch delivers to it (after the egress tag strip, as its RX ring gets it), in either
 * mode: the pool mirroring of Intel's VEBs (82599 and X710 "mirror rules" with a VF's pool as
 * source, uplink and downlink directions; DPDK's {@code rte_eth_mirror_rule_set} with
 * {@code rte_eth_mirror_conf.pool_mask}), or {@code tc ... action mirred} on a switchdev VF
 * representor. Without a mirror the switch does only a null check per frame.
 *
 * <p>Thread safety: one thread steps the switch; policy setters and statistics are synchronized.
 */
public final class EmbeddedSwitch implements Steppable {
    /** Who switches: the NIC's VEB, or software through representor ports (devlink's eswitch modes). */
    public enum Mode {
        /** The VEB forwards by MAC and VLAN with the per-VF policy (devlink {@code legacy}). */
        LEGACY,
        /**
         * Every frame a VF sends comes out of its representor and every frame sent into a representor
         * reaches its VF; the uplink's frames come out of the uplink representor (devlink
         * {@code switchdev}). The software switch that owns the representors decides; the per-VF
         * policy does not apply. Offloading its flows into the NIC is not built.
         */
        SWITCHDEV
    }

    /**
     * A representor port: the switch-side twin of a VF (or of the uplink) in switchdev mode, named as
     * Linux names them ({@code pf0vf3}, {@code p0}). {@link #receive} yields what the VF (or the wire)
     * sent; {@link #transmit} delivers to the VF (or the wire).
     */
    public final class Representor implements FramePort {
        private final String name;
        private final VirtualFunction vf;
        private final Frame[] queue = new Frame[REPRESENTOR_QUEUE];
        private int head;
        private int queued;
        private final dev.iovirt.packet.PortCounters counters = new dev.iovirt.packet.PortCounters();
        private Runnable listener = () -> { };

        Representor(String name, VirtualFunction vf) {
            this.name = name;
            this.vf = vf;
            for (int i = 0; i < REPRESENTOR_QUEUE; i++) {
                queue[i] = new Frame();
            }
        }

        @Override
        public String name() {
            return name;
        }

        /** Queues a frame for the switch that owns this port; false (dropped, counted) if the queue is full. */
        boolean offer(Frame f) {
            synchronized (EmbeddedSwitch.this) {
                if (queued == REPRESENTOR_QUEUE) {
                    counters.rxDropped++;
                    return false;
                }
                queue[(head + queued) % REPRESENTOR_QUEUE].copyFrom(f);
                queued++;
            }
            listener.run();
            return true;
        }

        @Override
        public int receive(FrameBatch batch) {
            synchronized (EmbeddedSwitch.this) {
                int n = 0;
                while (queued > 0 && batch.remaining() > 0) {
                    Frame f = queue[head];
                    batch.add(f);
                    counters.rxPackets++;
                    counters.rxBytes += f.length();
                    head = (head + 1) % REPRESENTOR_QUEUE;
                    queued--;
                    n++;
                }
                return n;
            }
        }

        @Override
        public int transmit(FrameBatch batch) {
            if (mode != Mode.SWITCHDEV) {
                counters.txDropped += batch.size();
                return 0;
            }
            if (vf != null) {
                Port p = ports[vf.index()];
                Mirror m = p == null ? null : p.mirror;
                if (m != null) {
                    for (int i = 0; i < batch.size(); i++) {
                        m.frame(batch.get(i), false);
                    }
                }
            }
            int n = vf != null ? vf.transmit(batch) : uplink.transmit(batch);
            synchronized (EmbeddedSwitch.this) {
                counters.txPackets += n;
                counters.txDropped += batch.size() - n;
            }
            return n;
        }

        @Override
        public dev.iovirt.packet.PortCounters counters() {
            return counters;
        }

        @Override
        public void setReceiveListener(Runnable listener) {
            this.listener = listener;
        }
    }

    /**
     * What sees a VF's frames where they cross its port of the switch, both ways (the class's
     * <b>Mirrors</b>). It is called on the thread that steps the switch (or that transmits into the
     * VF's representor) and must not keep {@code frame}, which the switch reuses.
     */
    @FunctionalInterface
    public interface Mirror {
        /** {@code frame} crossed the VF's port: sent by the VF ({@code fromVf}) or delivered to it. */
        void frame(Frame frame, boolean fromVf);
    }

    /** Frames a representor holds for its owner before it drops. */
    static final int REPRESENTOR_QUEUE = 256;

    /** Per-VF policy and statistics. */
    private static final class Port {
        final VirtualFunction vf;
        final FrameBatch out = new FrameBatch();
        MacAddress mac;
        /** Whether the host set the MAC (then the VF may not change it unless trusted). */
        boolean adminMac;
        int vlan;
        /** VLANs the VF joined through the mailbox (only while it has no port VLAN). */
        final java.util.BitSet vlanFilter = new java.util.BitSet(4096);
        /** Multicast MACs the VF asked for through the mailbox. */
        long[] multicast = new long[0];
        boolean spoofCheck = true;
        boolean trusted;
        boolean promiscuous;
        long rateBytesPerSecond;
        long burstBytes;
        /** Token bucket contents in bytes × 1e9 (to refill exactly from nanoseconds). */
        long tokensNano;
        long lastRefill;
        final VfStats stats = new VfStats();
        final Representor representor;
        /** What sees the VF's frames, or null (read by a representor's transmit without the lock). */
        volatile Mirror mirror;

        Port(VirtualFunction vf, Representor representor) {
            this.vf = vf;
            this.representor = representor;
        }
    }

    /** Counters of one VF's switch port. */
    public static final class VfStats {
        /** Frames the VF sent into the switch. */
        public long fromVf;
        /** Frames the switch delivered towards the VF (accepted by its RX ring or not). */
        public long toVf;
        /** Frames dropped because their source MAC was not the VF's. */
        public long spoofed;
        /** Frames dropped by the rate limiter. */
        public long rateLimited;
        /** Frames dropped because the VF tagged them while it has a port VLAN. */
        public long vlanViolations;

        VfStats copy() {
            VfStats c = new VfStats();
            c.fromVf = fromVf;
            c.toVf = toVf;
            c.spoofed = spoofed;
            c.rateLimited = rateLimited;
            c.vlanViolations = vlanViolations;
            return c;
        }
    }

    private final PhysicalFunction pf;
    private final FramePort uplink;
    private final Clock clock;
    private final Port[] ports;
    private final FrameBatch in = new FrameBatch();
    private final FrameBatch toUplink = new FrameBatch();
    private long uplinkOut;
    private long uplinkIn;
    private volatile Mode mode = Mode.LEGACY;
    private final Representor uplinkRepresentor;
    /** The PF's own port (the host's PF netdev), or null; {@link #pfSource} stands for it as a source. */
    private FramePort pfPort;
    private long pfMac = -1;
    private final Port pfSource = new Port(null, null);
    private final FrameBatch toPf = new FrameBatch();
    private long pfOut;
    private long pfIn;

    /** A switch for {@code pf}'s VFs (TotalVFs ports) and {@code uplink}, timing rate limits on {@code clock}. */
    public EmbeddedSwitch(PhysicalFunction pf, FramePort uplink, Clock clock) {
        this.pf = pf;
        this.uplink = uplink;
        this.clock = clock;
        this.ports = new Port[pf.totalVfs()];
        this.uplinkRepresentor = new Representor("p0", null);
        pf.addListener(new PhysicalFunction.VfListener() {
            @Override
            public void vfCreated(VirtualFunction vf) {
                synchronized (EmbeddedSwitch.this) {
                    ports[vf.index()] = new Port(vf, new Representor("pf0vf" + vf.index(), vf));
                }
            }

            @Override
            public void vfRemoved(VirtualFunction vf) {
                synchronized (EmbeddedSwitch.this) {
                    ports[vf.index()] = null; // policy goes with the VF, as with VF Enable cleared on an X710
                }
            }
        });
        for (VirtualFunction vf : pf.virtualFunctions()) {
            ports[vf.index()] = new Port(vf, new Representor("pf0vf" + vf.index(), vf));
        }
    }

    private Port port(VirtualFunction vf) {
        Port p = ports[vf.index()];
        if (p == null || p.vf != vf) {
            throw new IllegalArgumentException(vf + " is not a live VF of " + pf);
        }
        return p;
    }

    /** Switches between the VEB and representor mode (devlink {@code eswitch mode}). */
    public synchronized void setMode(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** {@code vf}'s representor port (frames flow through it only in {@link Mode#SWITCHDEV}). */
    public synchronized Representor representor(VirtualFunction vf) {
        return port(vf).representor;
    }

    /** The uplink's representor (frames flow through it only in {@link Mode#SWITCHDEV}). */
    public Representor uplinkRepresentor() {
        return uplinkRepresentor;
    }

    /** Gives {@code vf} its MAC address (the one it may send from and receives unicast for). */
    public synchronized void setMac(VirtualFunction vf, MacAddress mac) {
        Port p = port(vf);
        p.mac = mac;
        p.adminMac = mac != null;
    }

    /** The MAC {@code vf} has, or null. */
    public synchronized MacAddress mac(VirtualFunction vf) {
        return port(vf).mac;
    }

    /** Whether {@code vf} is a member of {@code vid} (its port VLAN, or one it joined). */
    public synchronized boolean inVlan(VirtualFunction vf, int vid) {
        return inVlan(port(vf), vid);
    }

    // The mailbox's requests (PfMailbox applies the PF's policy through these).

    /** The VF asks for {@code mac}: granted unless the host set its MAC and it is not trusted. */
    synchronized boolean requestMac(VirtualFunction vf, MacAddress mac) {
        Port p = port(vf);
        if (mac.isMulticast() || mac.bits() == 0 || (p.adminMac && !p.trusted && !mac.equals(p.mac))) {
            return false;
        }
        p.mac = mac;
        return true;
    }

    /** The VF asks to join or leave {@code vid}: refused while it has a port VLAN (the host decides its VLAN). */
    synchronized boolean requestVlan(VirtualFunction vf, int vid, boolean join) {
        Port p = port(vf);
        if (p.vlan != 0 || vid < 1 || vid > 4094) {
            return false;
        }
        p.vlanFilter.set(vid, join);
        return true;
    }

    /** The VF lists the multicast MACs it wants to receive. */
    synchronized boolean requestMulticast(VirtualFunction vf, long[] macs) {
        port(vf).multicast = macs.clone();
        return true;
    }

    /** Puts {@code vf} in port VLAN {@code vid} (1-4094), or takes it out with 0. */
    public synchronized void setVlan(VirtualFunction vf, int vid) {
        if (vid < 0 || vid > 4094) {
            throw new IllegalArgumentException("VLAN ID must be 0..4094: " + vid);
        }
        port(vf).vlan = vid;
    }

    /** Turns source-MAC anti-spoofing for {@code vf} on (the default) or off. */
    public synchronized void setSpoofCheck(VirtualFunction vf, boolean on) {
        port(vf).spoofCheck = on;
    }

    /** Marks {@code vf} trusted: only a trusted VF's promiscuous mode takes effect. */
    public synchronized void setTrusted(VirtualFunction vf, boolean trusted) {
        port(vf).trusted = trusted;
    }

    /** Asks for promiscuous mode for {@code vf}; returns whether it took effect (the VF must be trusted). */
    public synchronized boolean setPromiscuous(VirtualFunction vf, boolean on) {
        Port p = port(vf);
        p.promiscuous = on;
        return !on || p.trusted;
    }

    /** Limits what {@code vf} may send to {@code bytesPerSecond} with bursts of {@code burstBytes}; 0 removes the limit. */
    public synchronized void setRateLimit(VirtualFunction vf, long bytesPerSecond, long burstBytes) {
        Port p = port(vf);
        p.rateBytesPerSecond = bytesPerSecond;
        p.burstBytes = burstBytes;
        p.tokensNano = burstBytes * 1_000_000_000L;
        p.lastRefill = clock.nanos();
    }

    /**
     * Mirrors {@code vf}'s frames, both ways, to {@code mirror} (the class's <b>Mirrors</b>); null
     * removes the mirror. The VF keeps it until it is removed or the VF goes (VF Enable cleared).
     */
    public synchronized void setMirror(VirtualFunction vf, Mirror mirror) {
        port(vf).mirror = mirror;
    }

    /** A snapshot of {@code vf}'s port counters. */
    public synchronized VfStats stats(VirtualFunction vf) {
        return port(vf).stats.copy();
    }

    /**
     * Gives the PF its port on the VEB (the host's PF netdev, e.g. {@code enp0s4f0}), with MAC {@code mac}:
     * frames to that MAC from the VFs or the uplink go to {@code port}, and so do broadcast and multicast
     * frames (a host netdev's filters are its own business); frames the host sends into {@code port}
     * are forwarded like a VF's — to the VF with the destination MAC, to every VF of the VLAN and the
     * uplink when a group address, to the uplink when unknown — with no anti-spoofing, rate limit or
     * VLAN restriction (the PF is the host's, trusted). The PF port is in the untagged LAN: tagged
     * frames are not delivered to it. Null removes it. In switchdev mode it is not used.
     */
    public synchronized void setPfPort(FramePort port, MacAddress mac) {
        this.pfPort = port;
        this.pfMac = port == null ? -1 : mac.bits();
    }

    /** Frames delivered to the PF port. */
    public synchronized long pfOut() {
        return pfOut;
    }

    /** Frames received from the PF port. */
    public synchronized long pfIn() {
        return pfIn;
    }

    /** Frames sent out of the uplink. */
    public synchronized long uplinkOut() {
        return uplinkOut;
    }

    /** Frames received from the uplink. */
    public synchronized long uplinkIn() {
        return uplinkIn;
    }

    /** Runs every VF's queues, then forwards what they and the uplink produced; false if nothing moved. */
    @Override
    public synchronized boolean step() {
        boolean work = false;
        List<VirtualFunction> vfs = pf.virtualFunctions();
        for (VirtualFunction vf : vfs) {
            work |= vf.poll();
        }
        for (VirtualFunction vf : vfs) {
            Port p = ports[vf.index()];
            if (p == null) {
                continue;
            }
            in.clear();
            if (vf.receive(in) > 0) {
                work = true;
                Mirror m = p.mirror;
                for (int i = 0; i < in.size(); i++) {
                    p.stats.fromVf++;
                    if (m != null) {
                        m.frame(in.get(i), true);
                    }
                    if (mode == Mode.SWITCHDEV) {
                        p.representor.offer(in.get(i));
                    } else {
                        fromVf(p, in.get(i));
                    }
                }
            }
        }
        if (pfPort != null && mode == Mode.LEGACY) {
            in.clear();
            if (pfPort.receive(in) > 0) {
                work = true;
                for (int i = 0; i < in.size(); i++) {
                    pfIn++;
                    Frame f = in.get(i);
                    if (f.length() >= 14) {
                        forward(pfSource, f, vlanOf(f));
                    }
                }
            }
        }
        in.clear();
        if (uplink.receive(in) > 0) {
            work = true;
            for (int i = 0; i < in.size(); i++) {
                uplinkIn++;
                Frame f = in.get(i);
                if (mode == Mode.SWITCHDEV) {
                    uplinkRepresentor.offer(f);
                } else {
                    forward(null, f, vlanOf(f));
                }
            }
        }
        flushAll();
        return work;
    }

    private void fromVf(Port p, Frame f) {
        if (f.length() < 14) {
            return;
        }
        if (p.spoofCheck && p.mac != null && MacAddress.read(f.buffer(), f.offset() + 6).bits() != p.mac.bits()) {
            p.stats.spoofed++;
            return;
        }
        int vlan = vlanOf(f);
        if (p.vlan != 0) {
            if (vlan != 0) {
                p.stats.vlanViolations++;
                return;
            }
            vlan = p.vlan;
        } else if (vlan != 0 && !p.vlanFilter.get(vlan)) {
            p.stats.vlanViolations++; // VLAN anti-spoofing: only VLANs the VF joined
            return;
        }
        if (p.rateBytesPerSecond > 0 && !takeTokens(p, f.length())) {
            p.stats.rateLimited++;
            return;
        }
        forward(p, f, vlan);
    }

    private boolean takeTokens(Port p, int bytes) {
        long now = clock.nanos();
        long cap = p.burstBytes * 1_000_000_000L;
        long elapsed = now - p.lastRefill;
        p.lastRefill = now;
        // Refill without overflow: elapsed × rate can exceed a long only after the bucket is long full.
        long refill = elapsed >= cap / Math.max(1, p.rateBytesPerSecond) ? cap : elapsed * p.rateBytesPerSecond;
        p.tokensNano = Math.min(cap, p.tokensNano + refill);
        long need = bytes * 1_000_000_000L;
        if (p.tokensNano < need) {
            return false;
        }
        p.tokensNano -= need;
        return true;
    }

    /** Forwards {@code f} (in {@code vlan}, 0 = untagged) from {@code source} (null: the uplink; {@link #pfSource}: the PF). */
    private void forward(Port source, Frame f, int vlan) {
        long dst = MacAddress.read(f.buffer(), f.offset()).bits();
        boolean group = (dst & (1L << 40)) != 0; // I/G bit: the first octet's least significant bit
        boolean broadcast = dst == MacAddress.BROADCAST.bits();
        boolean delivered = false;
        for (Port p : ports) {
            if (p == null || p == source || !inVlan(p, vlan)) {
                continue;
            }
            boolean match = group ? broadcast || subscribed(p, dst) : p.mac != null && p.mac.bits() == dst;
            if (match || (p.promiscuous && p.trusted)) {
                toVf(p, f);
                delivered |= match && !group;
            }
        }
        if (pfPort != null && source != pfSource && vlan == 0 && (group || dst == pfMac)) {
            toPf(f);
            delivered |= !group;
        }
        if (source != null && (group || !delivered)) {
            toUplink(f, vlan);
        }
    }

    private static boolean inVlan(Port p, int vlan) {
        return p.vlan != 0 ? p.vlan == vlan : vlan == 0 || p.vlanFilter.get(vlan);
    }

    private static boolean subscribed(Port p, long dst) {
        for (long m : p.multicast) {
            if (m == dst) {
                return true;
            }
        }
        return false;
    }

    private void toVf(Port p, Frame f) {
        if (p.out.isFull()) {
            flush(p);
        }
        p.out.add(f);
        if (p.vlan != 0 && vlanOf(f) != 0) {
            strip(p.out.get(p.out.size() - 1));
        }
        p.stats.toVf++;
    }

    private void toUplink(Frame f, int vlan) {
        if (toUplink.isFull()) {
            flushUplink();
        }
        toUplink.add(f);
        if (vlan != 0 && vlanOf(f) == 0) {
            insert(toUplink.get(toUplink.size() - 1), vlan);
        }
        uplinkOut++;
    }

    private void toPf(Frame f) {
        if (toPf.isFull()) {
            flushPf();
        }
        toPf.add(f);
        pfOut++;
    }

    private void flushPf() {
        pfPort.transmit(toPf);
        toPf.clear();
    }

    private void flushAll() {
        if (!toPf.isEmpty()) {
            flushPf();
        }
        for (Port p : ports) {
            if (p != null && !p.out.isEmpty()) {
                flush(p);
            }
        }
        if (!toUplink.isEmpty()) {
            flushUplink();
        }
    }

    private void flush(Port p) {
        Mirror m = p.mirror;
        if (m != null) {
            for (int i = 0; i < p.out.size(); i++) {
                m.frame(p.out.get(i), false);
            }
        }
        p.vf.transmit(p.out);
        p.out.clear();
    }

    private void flushUplink() {
        uplink.transmit(toUplink);
        toUplink.clear();
    }

    /** The 802.1Q VID of {@code f}, 0 if untagged. IEEE 802.1Q-2014 §9.6. */
    private static int vlanOf(Frame f) {
        byte[] b = f.buffer();
        int o = f.offset();
        if (f.length() < 18 || ((b[o + 12] & 0xFF) << 8 | (b[o + 13] & 0xFF)) != EtherType.VLAN) {
            return 0;
        }
        return ((b[o + 14] & 0x0F) << 8) | (b[o + 15] & 0xFF);
    }

    /** Inserts an 802.1Q tag (PCP 0) after the source MAC. */
    private static void insert(Frame f, int vid) {
        int o = f.push(4);
        if (o < 0) {
            return;
        }
        byte[] b = f.buffer();
        System.arraycopy(b, o + 4, b, o, 12);
        b[o + 12] = (byte) (EtherType.VLAN >>> 8);
        b[o + 13] = (byte) EtherType.VLAN;
        b[o + 14] = (byte) (vid >>> 8);
        b[o + 15] = (byte) vid;
    }

    /** Removes the 802.1Q tag. */
    private static void strip(Frame f) {
        byte[] b = f.buffer();
        int o = f.offset();
        System.arraycopy(b, o, b, o + 4, 12);
        f.pull(4);
    }
}
