package dev.iovirt.platform.run;

import dev.iovirt.iommu.IommuStats;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TrafficSpec;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vswitch.datapath.DatapathStats;
import dev.iovirt.vswitch.ofproto.Bridge;
import dev.iovirt.vswitch.ofproto.BridgePort;
import dev.iovirt.vswitch.ofproto.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One packet's path through a running topology, layer by layer, with what each step charged.
 *
 * <p>The topology runs without its own traffic and captures; the probe's source sends two packets
 * 100 ms apart (a UDP datagram, or an ICMP echo request whose reply is traced too). The first
 * resolves ARP and warms the switches' caches as any first packet would; the trace records the
 * second. From just before it is sent until the system is quiet again, the run tells the trace each
 * step of each active part (a vCPU, a switch, a NIC's embedded switch, the underlay) that did work
 * and each frame that crossed a switch port; after each step the trace compares every layer's
 * counters with what they were before it — VM exits by reason, interrupts injected and posted,
 * modeled cycles, the switch caches (exact match, megaflow, upcall to the OpenFlow tables), the
 * VT-d unit's translations and IOTLB, the tunnels' datagrams — and the frames that entered a switch
 * are traced through its OpenFlow tables as {@code ovs-appctl ofproto/trace} would. The system is
 * quiet apart from the probe (idle guests halt), so what changed is what the probe cost.
 */
public final class PacketTrace {
    /** The second probe packet leaves this long after the first. */
    static final Duration PROBE_GAP = Duration.ofMillis(100);
    /** How long after the probe the trace waits for the system to be quiet. */
    static final long SETTLE_NANOS = 50_000_000L;

    /** What to send. */
    public enum Protocol {
        UDP, ICMP;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The packet to trace.
     *
     * @param from the VM that sends it
     * @param to the VM it is for
     * @param protocol UDP (one datagram) or ICMP (an echo request and its reply)
     * @param port the UDP destination port (ignored for ICMP)
     * @param size the frame size in bytes (UDP), without FCS
     */
    public record Probe(String from, String to, Protocol protocol, int port, int size) {
    }

    /**
     * One step of the path: an active part that did some work.
     *
     * @param nanos virtual time of the step
     * @param part what ran ({@code vm web1}, {@code switch br-hv1}, ...)
     * @param lines what it did: frames, table lookups, counters that moved
     */
    public record Step(long nanos, String part, List<String> lines) {
    }

    /**
     * The trace.
     *
     * @param probe what was sent
     * @param steps the path, in order
     * @param delivered whether the destination's program got the packet (and, for ICMP, the source its reply)
     * @param totals per layer, what the whole path charged
     */
    public record Result(Probe probe, List<Step> steps, boolean delivered, Map<String, Map<String, Long>> totals) {
        /** The trace as {@code iovirt trace} prints it. */
        public String format() {
            StringBuilder b = new StringBuilder();
            b.append(probe.protocol().yamlName()).append(' ').append(probe.from()).append(" → ").append(probe.to());
            if (probe.protocol() == Protocol.UDP) {
                b.append(" port ").append(probe.port()).append(", ").append(probe.size()).append("-byte frame");
            } else {
                b.append(", echo request and reply");
            }
            b.append(" (the second of two packets ").append(PROBE_GAP.toMillis()).append(" ms apart: the first resolved ARP)\n");
            int n = 0;
            for (Step s : steps) {
                b.append(String.format(Locale.ROOT, "%n%2d. %s%n", ++n, s.part()));
                for (String line : s.lines()) {
                    b.append("    ").append(line).append('\n');
                }
            }
            b.append('\n').append(delivered ? "delivered" : "NOT delivered").append(" in ").append(steps.size())
                    .append(" steps (virtual time stands still while a packet moves: the cost is in the counters)\n\ntotals:\n");
            totals.forEach((layer, counters) -> b.append("    ").append(layer).append(": ").append(join(counters)).append('\n'));
            return b.toString();
        }
    }

    private final TopologyRun run;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> frames = new ArrayList<>();
    private final List<Traced> pending = new ArrayList<>();
    private Map<String, Map<String, Long>> start;
    private Map<String, Map<String, Long>> before;
    private boolean recording;

    private record Traced(String host, int bridgePort, byte[] bytes, long tunnelId) {
    }

    private PacketTrace(Topology topology) throws NotRunnableException, IOException {
        this.run = TopologyRun.build(topology, Path.of(""), new RunObserver() {
            @Override
            public void frame(String host, String port, boolean intoSwitch, Frame frame) {
                onFrame(host, port, intoSwitch, frame);
            }

            @Override
            public void stepped(String part) {
                onStep(part);
            }
        }, TopologyRun.Api.ANY);
    }

    /**
     * Traces {@code probe} through {@code topology}.
     *
     * @throws IllegalArgumentException if the probe names something the topology has not
     * @throws NotRunnableException if the topology uses a part that is not built yet
     */
    public static Result trace(Topology topology, Probe probe) throws NotRunnableException, IOException {
        if (topology.vm(probe.from()).isEmpty()) {
            throw new IllegalArgumentException("--from " + probe.from() + ": no such VM (VMs: " + vmNames(topology) + ")");
        }
        if (topology.vm(probe.to()).isEmpty()) {
            throw new IllegalArgumentException("--to " + probe.to() + ": no such VM (VMs: " + vmNames(topology) + ")");
        }
        if (probe.from().equals(probe.to())) {
            throw new IllegalArgumentException("--from and --to are the same VM");
        }
        TrafficSpec.Target to = new TrafficSpec.Target.Vm(probe.to());
        TrafficSpec probeTraffic = switch (probe.protocol()) {
            case UDP -> new TrafficSpec.Udp(probe.from(), to, probe.port(), dev.iovirt.platform.topology.Rate.pps(1_000 / PROBE_GAP.toMillis()),
                    PROBE_GAP.multipliedBy(2), probe.size());
            case ICMP -> new TrafficSpec.Ping(probe.from(), to, 2, PROBE_GAP);
        };
        Topology t = new Topology(topology.name(), topology.controller(), topology.hosts(), topology.networks(), topology.vms(),
                topology.appliances(), topology.chains(), List.of(probeTraffic), List.of(), topology.links(), topology.costOverrides());
        PacketTrace trace = new PacketTrace(t);
        try (TopologyRun run = trace.run) {
            long second = TopologyRun.PROGRAM_START_NANOS + PROBE_GAP.toNanos();
            run.advance(second - 1);
            trace.start = trace.snapshot();
            trace.before = trace.start;
            trace.recording = true;
            run.advance(second + SETTLE_NANOS);
            trace.recording = false;
            TopologyRun.TrafficRun tr = run.traffic().get(0);
            // Both datagrams reached the sink; both echo requests were answered.
            boolean delivered = tr.received() == 2;
            return new Result(probe, List.copyOf(trace.steps), delivered, diff(trace.start, trace.before));
        }
    }

    private static String vmNames(Topology t) {
        return String.join(", ", t.vms().stream().map(v -> v.name()).toList());
    }

    private void onFrame(String host, String port, boolean intoSwitch, Frame frame) {
        if (!recording) {
            return;
        }
        String bridge = run.bridge(host).name();
        frames.add(String.format(Locale.ROOT, "frame %s → %s, %d bytes", intoSwitch ? port : bridge, intoSwitch ? bridge : port,
                frame.length()));
        if (intoSwitch) {
            pending.add(new Traced(host, portNumber(run.bridge(host), port), frame.toBytes(), frame.tunnelId()));
        }
    }

    /** The number of the switch port a frame entered by (a tap knows the port, not its number). */
    private static int portNumber(Bridge bridge, String name) {
        return bridge.ports().stream().filter(p -> p.name().equals(name)).mapToInt(BridgePort::number).findFirst().orElseThrow();
    }

    private void onStep(String part) {
        if (!recording) {
            return;
        }
        Map<String, Map<String, Long>> now = snapshot();
        List<String> lines = new ArrayList<>(frames);
        for (Traced t : pending) {
            Trace ofTrace = run.bridge(t.host()).trace(t.bridgePort(), t.bytes(), t.tunnelId());
            lines.add("OpenFlow tables of " + run.bridge(t.host()).name() + " for the frame from port " + t.bridgePort()
                    + (t.tunnelId() != 0 ? " (tunnel_id " + t.tunnelId() + ")" : "") + ":");
            for (String s : ofTrace.steps().subList(2, ofTrace.steps().size())) {
                lines.add("    " + s);
            }
            lines.add("    datapath actions: " + ofTrace.datapathActions());
        }
        diff(before, now).forEach((layer, counters) -> lines.add(layer + ": " + join(counters)));
        if (part.equals("underlay") && lines.isEmpty()) {
            lines.add("waited for VXLAN datagrams in flight on the loopback underlay");
        }
        frames.clear();
        pending.clear();
        before = now;
        if (!lines.isEmpty()) { // an appliance polling an empty ring is work, but not the packet's
            steps.add(new Step(run.nanos(), describe(part), lines));
        }
    }

    private String describe(String part) {
        if (part.startsWith("appliance ")) {
            RunningAppliance a = run.appliances().stream().filter(x -> x.name().equals(part.substring(10))).findFirst().orElseThrow();
            return part + " (" + a.kind() + " VM, poll-mode virtio drivers, on " + a.host() + ")";
        }
        if (part.startsWith("vm ")) {
            TopologyRun.RunningVm v = run.vms().stream().filter(x -> x.name().equals(part.substring(3))).findFirst().orElseThrow();
            return part + " (guest kernel, " + v.model().yamlName() + " driver and device, on " + v.host() + ")";
        }
        return part;
    }

    // ---------------------------------------------------------------- counters of every layer

    /** Every layer's counters now: VMs, switches, tunnels, appliances, VT-d units. */
    private Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> s = new LinkedHashMap<>();
        for (TopologyRun.RunningVm v : run.vms()) {
            Map<String, Long> c = new LinkedHashMap<>();
            VcpuStats st = v.vm().stats();
            for (ExitReason r : ExitReason.values()) {
                if (st.exits(r) != 0) {
                    c.put("exit " + r.name(), st.exits(r));
                }
            }
            c.put("exits in kernel", st.inKernelExits);
            c.put("exits to user space", st.userSpaceExits);
            c.put("interrupts injected", st.injections);
            c.put("posted interrupts", st.postedInterruptsProcessed);
            c.put("virtual interrupts delivered", st.virtualInterruptsDelivered);
            c.put("EPT walks", st.walks);
            c.put("modeled cycles", v.vm().host().costModel().cycles(st));
            FramePort p = v.port();
            c.put("device: frames from guest", p.counters().rxPackets);
            c.put("device: frames to guest", p.counters().txPackets);
            c.put("device: frames dropped", p.counters().txDropped + p.counters().rxDropped);
            s.put("vm " + v.name(), c);
        }
        for (Map.Entry<String, HypervisorSwitch> e : run.switches().entrySet()) {
            Bridge b = e.getValue().bridge();
            DatapathStats d = b.datapath().stats();
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("packets", d.packets);
            c.put("exact-match cache hits", d.emcHits);
            c.put("megaflow hits", d.megaflowHits);
            c.put("upcalls to the OpenFlow tables", d.misses);
            c.put("outputs", d.outputs);
            c.put("dropped", d.txDropped + d.actionErrors);
            s.put("switch " + b.name(), c);
            for (BridgePort p : b.ports()) {
                if (p.name().startsWith("vxlan-")) {
                    PortCounters pc = p.framePort().counters();
                    Map<String, Long> t = new LinkedHashMap<>();
                    t.put("datagrams sent", pc.txPackets);
                    t.put("bytes sent", pc.txBytes);
                    t.put("datagrams received", pc.rxPackets);
                    t.put("bytes received", pc.rxBytes);
                    s.put("tunnel " + e.getKey() + " " + p.name(), t);
                }
            }
        }
        for (RunningAppliance a : run.appliances()) {
            // Frames its poll loop moved and what its function counted; not its idle polls' exits.
            Map<String, Long> c = new LinkedHashMap<>();
            for (int i = 0; i < a.nicNames().size(); i++) {
                c.put(a.nicNames().get(i) + " frames in", a.vm().portCounters(i).rxFrames());
                c.put(a.nicNames().get(i) + " frames out", a.vm().portCounters(i).txFrames());
            }
            c.putAll(a.counters());
            s.put("appliance " + a.name(), c);
        }
        for (Map.Entry<String, SriovNic> e : run.sriovNics().entrySet()) {
            IommuStats i = e.getValue().iommuStats();
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("DMA translations", i.translations);
            c.put("IOTLB hits", i.iotlbHits);
            c.put("IOTLB misses", i.iotlbMisses);
            c.put("page-walk references", i.walkReferences);
            c.put("interrupts remapped", i.interruptsRemapped);
            c.put("interrupts posted", i.interruptsPosted);
            c.put("posting notifications", i.postNotifications);
            c.put("faults", i.faults);
            s.put("VT-d " + e.getKey(), c);
        }
        return s;
    }

    /** The counters that moved from {@code a} to {@code b}, by layer. */
    private static Map<String, Map<String, Long>> diff(Map<String, Map<String, Long>> a, Map<String, Map<String, Long>> b) {
        Map<String, Map<String, Long>> d = new LinkedHashMap<>();
        b.forEach((layer, counters) -> {
            Map<String, Long> was = a.getOrDefault(layer, Map.of());
            counters.forEach((name, value) -> {
                long delta = value - was.getOrDefault(name, 0L);
                if (delta != 0) {
                    d.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(name, delta);
                }
            });
        });
        return d;
    }

    private static String join(Map<String, Long> counters) {
        StringBuilder b = new StringBuilder();
        counters.forEach((name, delta) -> b.append(b.isEmpty() ? "" : ", ").append(name).append(' ').append(delta > 0 ? "+" : "").append(delta));
        return b.toString();
    }
}
