package dev.iovirt.platform.run;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.drivers.VfNetDriver;
import dev.iovirt.guest.drivers.VirtioNetDriver;
import dev.iovirt.guest.net.NetDevice;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Network;
import dev.iovirt.controller.network.Tunnel;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.capture.BpfFilter;
import dev.iovirt.platform.capture.CaptureFile;
import dev.iovirt.platform.capture.CaptureTap;
import dev.iovirt.platform.topology.CapturePoint;
import dev.iovirt.controller.sfc.FlowClassifier;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.controller.sfc.HopPort;
import dev.iovirt.controller.sfc.PortChain;
import dev.iovirt.controller.sfc.PortPair;
import dev.iovirt.controller.sfc.PortPairGroup;
import dev.iovirt.controller.sfc.SfcApp;
import dev.iovirt.guest.programs.TcpConnectGenerator;
import dev.iovirt.guest.programs.TcpEchoServer;
import dev.iovirt.platform.topology.ApplianceSpec;
import dev.iovirt.platform.topology.CaptureSpec;
import dev.iovirt.platform.topology.ChainSpec;
import dev.iovirt.platform.topology.HostSpec;
import dev.iovirt.platform.topology.Impairment;
import dev.iovirt.platform.topology.LinkSpec;
import dev.iovirt.platform.topology.NetworkSpec;
import dev.iovirt.platform.topology.NicAttachment;
import dev.iovirt.platform.topology.NicAttachment.Model;
import dev.iovirt.platform.topology.Rate;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TrafficSpec;
import dev.iovirt.platform.topology.VmSpec;
import dev.iovirt.sriov.VirtualFunction;
import dev.iovirt.virtio.net.VirtioNet;
import dev.iovirt.virtio.pci.VirtioPciLayout;
import dev.iovirt.virtio.pci.VirtioPciTransport;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Steppable;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A topology running in this process on virtual time. Each hypervisor of the topology has its own
 * OpenFlow switch (vswitch) and, when there are several, a VTEP on the loopback interface with a
 * VXLAN tunnel port to each other hypervisor ({@link HypervisorSwitch}). Each VM's NIC (an e1000 or
 * a virtio-net device, with the guest kernel, driver and network stack) is a port of its
 * hypervisor's switch, which gets its flows from the run's SDN controller over OpenFlow on loopback
 * ({@link RunController}, {@link #programNetworks}); the topology's traffic runs as guest programs (ping, a
 * UDP generator and its sink). A step driver runs the vCPUs, the devices' backends, the switches
 * and the underlay until the system is quiet, then advances the clock to the next timer, so a run
 * on one hypervisor is deterministic and every run is as fast as the host allows (across
 * hypervisors, the loopback underlay's real timing can change how frames batch, and so exit and
 * interrupt counts by a little; what is delivered does not change). The VMs of every hypervisor live in one
 * simulated host (one memory pool, one timer queue, one cost model): a hypervisor here is its
 * switch and VTEP.
 *
 * <p>What is not built yet is refused by {@link #build} with a {@link NotRunnableException} that
 * says so ({@link #refuseWhatIsNotBuilt}). The controller listens on loopback ports of its own
 * choosing, not the topology's {@code controller:} addresses. Captures are pcapng files
 * (platform.capture) taken at their capture points — where a switch meets a vNIC, at another port of
 * a switch, on a host's underlay, a VF through its NIC's embedded switch — time-stamped with the
 * run's start (wall clock) plus its virtual time; every capture point can take a capture at any time,
 * and captures start and stop while the run goes on through the controller's REST API
 * ({@link CaptureResource}).
 */
public final class TopologyRun implements AutoCloseable {
    /** The PCI slot of a VM's first NIC (00:04.0, as QEMU places the first NIC). */
    static final int FIRST_NIC_SLOT = 4;
    /** How long a ping waits for its last reply (ping -W 1). */
    static final long PING_TIMEOUT_NANOS = 1_000_000_000L;
    /** The ICMP payload ping sends by default (ping -s 56). */
    static final int PING_PAYLOAD = 56;
    /** Guest memory of an appliance VM (ApplianceVm.Config's default). */
    static final long APPLIANCE_MEMORY = 128L << 20;
    /** The first UDP source port of the generators. */
    static final int FIRST_SOURCE_PORT = 40_000;
    /** When the traffic programs start, after boot (virtual time). */
    static final long PROGRAM_START_NANOS = 1_000_000L;
    /** How long the run waits for a VXLAN datagram in the underlay before it counts it lost (real time). */
    static final long UNDERLAY_PATIENCE_NANOS = 1_000_000_000L;
    /** How long one wait for the underlay parks (real time). */
    static final long UNDERLAY_PARK_NANOS = 20_000L;
    /** How often a kept run catches its virtual time up with real time. */
    static final long KEEP_SLICE_NANOS = 5_000_000L;
    /**
     * How long a run with appliances goes on after its traffic is done: frames still waiting in an
     * appliance's receive ring move on at its next poll (its idle sleep is 20 µs).
     */
    static final long DRAIN_NANOS = 1_000_000L;
    /** How far virtual time advances between checks whether the traffic is done. */
    static final long SLICE_NANOS = 10_000_000L;

    /** The topology's {@code cost-model} names (docs/topology.md) and the cost model's own. */
    static final Map<String, String> COST_NAMES = Map.of(
            "hypercall", "hypercallCycles",
            "in-kernel-exit", "inKernelExitCycles",
            "user-space-exit", "userSpaceExitCycles",
            "walk-reference", "walkReferenceCycles");

    private final Topology topology;
    private final VirtualClock clock = new VirtualClock();
    private final Host host;
    private final Map<String, HypervisorSwitch> switches = new LinkedHashMap<>();
    private final Map<String, SriovNic> sriov = new LinkedHashMap<>();
    /** The switch port of each SR-IOV NIC's uplink, by hypervisor. */
    private final Map<String, Integer> nicPorts = new LinkedHashMap<>();
    private final StepDriver steps;
    private final RunObserver observer;
    private RunController controller;
    private final Api api;

    /**
     * Where the run's controller serves its REST API, and the token a change needs (null: one is
     * generated).
     */
    public record Api(InetSocketAddress address, String token) {
        /** Any free loopback port, a generated token: a run nobody drives from outside. */
        public static final Api ANY = new Api(new InetSocketAddress("127.0.0.1", 0), null);
    }
    private final Map<String, RunningVm> vms = new LinkedHashMap<>();
    /** Where the appliances go, their NICs and addresses, and each network's gateway. */
    private final NetworkPlan plan;
    private final Map<String, RunningAppliance> appliances = new LinkedHashMap<>();
    private final List<TrafficRun> traffic = new ArrayList<>();
    /** Every capture of the run, the topology's and those started over REST, stopped or not, by id. */
    private final Map<String, Capture> captures = new LinkedHashMap<>();
    /**
     * The points of the captures that take each host's underlay, by name ({@link CapturePoint#name()}):
     * a host's tunnels give their datagrams to its list once it has one (copy-on-write, as a capture
     * may start or stop while they do).
     */
    private final Map<String, List<CaptureFile.Point>> capturePoints = new LinkedHashMap<>();
    /** The tap of every other capture point of the run, by name: each vNIC, VF and switch port has one from the start. */
    private final Map<String, CaptureTap> taps = new LinkedHashMap<>();
    /** Where capture files are written (a capture's file is relative to it). */
    private Path captureDirectory;
    /** The id the next capture gets. */
    private int nextCaptureId = 1;
    /** The REST API's captures, once the run is built. */
    private CaptureResource captureResource;
    /** Wall-clock time of virtual time 0, for capture timestamps. */
    private final long epochNanos = System.currentTimeMillis() * 1_000_000L;

    /**
     * A capture of the run (the topology's, or one started over REST) and the file that takes it.
     *
     * @param id its id in the REST API ({@code 1}, {@code 2}, ...: the topology's first, in order)
     * @param spec what it takes: points, file, filter, ring
     * @param file its file under the run's directory (for a ring, the first file's name pattern)
     * @param taker the file's writer
     */
    public record Capture(String id, CaptureSpec spec, Path file, CaptureFile taker) {
        /** Its points as written, joined by commas. */
        public String port() {
            return spec.port();
        }

        /** {@code running}, or {@code stopped} once stopped (its file flushed and closed). */
        public String state() {
            return taker.closed() ? "stopped" : "running";
        }

        /** Frames written so far. */
        public long frames() {
            return taker.frames();
        }

        /** Its points, each with the frames it wrote. */
        public List<CaptureFile.Point> points() {
            return taker.points();
        }

        /** The files it holds now (a ring's newest K). */
        public List<Path> files() {
            return taker.files();
        }

        /** The write error that stopped it, or null. */
        public IOException error() {
            return taker.error();
        }
    }

    /** A VM as the run sees it: the host side (VM, device port) and, for the report, its guest's programs. */
    public static final class RunningVm {
        final VmSpec spec;
        final NicAttachment nic;
        Vm vm;
        FramePort port;
        int bridgePort;
        /** The vNIC's impairment, if the topology declares one. */
        ImpairedPort impaired;
        /** The counters once the guest had booted (PCI enumeration, driver set-up), before any traffic. */
        VcpuStats booted;
        final List<BiConsumer<Kernel, NetStack>> programs = new ArrayList<>();

        RunningVm(VmSpec spec) {
            this.spec = spec;
            this.nic = spec.nics().get(0);
        }

        public String name() {
            return spec.name();
        }

        public Model model() {
            return nic.model();
        }

        /** The hypervisor it runs on. */
        public String host() {
            return spec.host();
        }

        /** Its NIC's name, e.g. {@code eth0}. */
        public String nicName() {
            return nic.name();
        }

        public Vm vm() {
            return vm;
        }

        public FramePort port() {
            return port;
        }

        /** Frames its declared impairment dropped (0 without one). */
        public long impairmentLost() {
            return impaired == null ? 0 : impaired.lost();
        }

        /**
         * Copies of packet bytes host software made for this NIC: the e1000 model's and the virtio
         * backend's; none for a VF, whose frames the NIC moves by DMA.
         */
        public long copies() {
            return switch (port) {
                case E1000 e -> e.copies();
                case VirtioNet n -> n.stats().copies;
                default -> 0;
            };
        }

        /** The counters since boot: what the traffic (and the guest's timers meanwhile) cost. */
        public VcpuStats sinceBoot() {
            return vm.stats().since(booted);
        }

        /** The cost model's cycles of {@link #sinceBoot()}. */
        public long cyclesSinceBoot() {
            return vm.host().costModel().cycles(sinceBoot());
        }

        Ipv4Address ip() {
            return nic.ip().orElseThrow();
        }
    }

    /** One entry of the topology's traffic and what came of it. */
    public static final class TrafficRun {
        final TrafficSpec spec;
        Ping ping;
        UdpTrafficGenerator generator;
        TcpConnectGenerator tcp;
        long received;

        TrafficRun(TrafficSpec spec) {
            this.spec = spec;
        }

        public TrafficSpec spec() {
            return spec;
        }

        /** Whether it has finished (ping: its last reply awaited; udp: all sent; tcp: every connection ended). */
        public boolean done() {
            if (tcp != null) {
                return tcp.finished();
            }
            return ping != null ? ping.finished() : generator != null && generator.done();
        }

        /** What a user reads: ping's summary line, or datagrams sent and received. */
        public String result() {
            if (tcp != null) {
                Map<TcpConnectGenerator.Outcome, Long> outcomes = new java.util.EnumMap<>(TcpConnectGenerator.Outcome.class);
                long bytes = 0;
                long retransmissions = 0;
                for (TcpConnectGenerator.Result r : tcp.results()) {
                    outcomes.merge(r.outcome(), 1L, Long::sum);
                    bytes += r.bytesEchoed();
                    retransmissions += r.retransmissions();
                }
                StringBuilder b = new StringBuilder(tcp.results().size() + " connections, " + tcp.completed() + " completed");
                outcomes.forEach((o, n) -> {
                    if (o != TcpConnectGenerator.Outcome.COMPLETED) {
                        b.append(", ").append(n).append(' ').append(o.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                    }
                });
                return b.append("; ").append(bytes).append(" bytes echoed, ").append(retransmissions).append(" retransmissions").toString();
            }
            if (ping != null) {
                return ping.summary();
            }
            if (generator != null) {
                return generator.sent() + " datagrams sent (" + generator.dropped() + " refused by the NIC), " + received + " received";
            }
            return "did not start (the source VM did not boot)";
        }

        /** Replies (ping), datagrams received (udp) or connections completed (tcp). */
        public long received() {
            if (tcp != null) {
                return tcp.completed();
            }
            return ping != null ? ping.received() : received;
        }

        /** Echo requests (ping), datagrams (udp) or connections opened (tcp). */
        public long sent() {
            if (tcp != null) {
                return tcp.results().size();
            }
            return ping != null ? ping.transmitted() : generator != null ? generator.sent() : 0;
        }

        /**
         * Ping's round trips that were answered, or TCP's handshakes (SYN to ESTABLISHED: one round
         * trip), in nanoseconds of virtual time, sorted; empty for UDP.
         */
        public long[] rttNanos() {
            if (tcp != null) {
                return tcp.results().stream().mapToLong(TcpConnectGenerator.Result::connectNanos).filter(r -> r >= 0).sorted().toArray();
            }
            if (ping == null) {
                return new long[0];
            }
            return java.util.stream.IntStream.range(0, ping.transmitted()).mapToLong(ping::rttNanos).filter(r -> r >= 0)
                    .sorted().toArray();
        }
    }

    private TopologyRun(Topology topology, RunObserver observer, Api api) {
        this.topology = topology;
        this.observer = observer;
        this.api = api;
        long memory = 64L << 20;
        for (VmSpec v : topology.vms()) {
            memory += v.memoryBytes();
        }
        plan = NetworkPlan.of(topology);
        memory += topology.appliances().size() * APPLIANCE_MEMORY;
        host = new Host(memory, clock);
        Map<String, Long> costs = new LinkedHashMap<>();
        topology.costOverrides().forEach((name, cycles) -> costs.put(COST_NAMES.get(name), cycles));
        host.setCostModel(host.costModel().withOverrides(costs));
        steps = new StepDriver(clock, host.timers()).maxRounds(1_000_000);
        for (HostSpec h : topology.hosts()) {
            HypervisorSwitch sw = new HypervisorSwitch(h.name(), switches.size(), clock::nanos);
            switches.put(h.name(), sw);
            if (h.nic().isSriov()) {
                SriovNic n = new SriovNic(h.name(), h.nic().vfs(), host, clock, this::addPart);
                sriov.put(h.name(), n);
            }
        }
    }

    /**
     * Builds the run: every VM booted on virtual time 0 with its NIC on the switch and its traffic
     * programs queued.
     *
     * @throws NotRunnableException if the topology uses a part that is not built yet
     */
    public static TopologyRun build(Topology topology) throws NotRunnableException, IOException {
        return build(topology, Path.of(""));
    }

    /**
     * As {@link #build(Topology)}, writing the topology's captures under {@code directory}.
     *
     * @throws IOException if a capture file cannot be created (nothing is left running)
     */
    public static TopologyRun build(Topology topology, Path directory) throws NotRunnableException, IOException {
        return build(topology, directory, RunObserver.NONE, Api.ANY);
    }

    /** As {@link #build(Topology, Path)}, with the controller's REST API on {@code api}. */
    public static TopologyRun build(Topology topology, Path directory, Api api) throws NotRunnableException, IOException {
        return build(topology, directory, RunObserver.NONE, api);
    }

    /** As {@link #build(Topology, Path)}, telling {@code observer} what crosses the switches and what runs. */
    static TopologyRun build(Topology topology, Path directory, RunObserver observer, Api api) throws NotRunnableException, IOException {
        refuseWhatIsNotBuilt(topology);
        TopologyRun run = new TopologyRun(topology, observer, api);
        try {
            run.populate(directory);
            run.captureResource = CaptureResource.mount(run, run.controller);
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    private void populate(Path directory) throws IOException {
        for (VmSpec v : topology.vms()) {
            vms.put(v.name(), new RunningVm(v));
        }
        openCaptures(directory);
        sriov.forEach((h, n) -> nicPorts.put(h, plug(switches.get(h), n.switchPort().name(),
                captured(h + ":" + n.switchPort().name(), n.switchPort()))));
        int sourcePort = FIRST_SOURCE_PORT;
        java.util.Set<String> echoServers = new java.util.HashSet<>();
        for (TrafficSpec t : topology.traffic()) {
            TrafficRun tr = new TrafficRun(t);
            traffic.add(tr);
            Ipv4Address to = target(t.to());
            RunningVm from = vms.get(t.from());
            switch (t) {
                case TrafficSpec.Ping p -> from.programs.add((kernel, stack) -> {
                    tr.ping = new Ping(stack, to, p.count(), p.interval().toNanos(), PING_PAYLOAD, PING_TIMEOUT_NANOS);
                    kernel.spawn(tr.ping);
                });
                case TrafficSpec.Udp u -> {
                    int source = sourcePort++;
                    long pps = packetsPerSecond(u.rate(), u.size());
                    long count = Math.max(1, pps * u.duration().toNanos() / 1_000_000_000L);
                    from.programs.add((kernel, stack) -> {
                        tr.generator = new UdpTrafficGenerator(stack, source, to, u.port(), pps, u.size(), count);
                        kernel.spawn(tr.generator);
                    });
                    if (t.to() instanceof TrafficSpec.Target.Vm target) {
                        vms.get(target.name()).programs.add((kernel, stack) -> stack.bindUdp(u.port(), (s, src, port, p, off, len) -> tr.received++));
                    }
                }
                case TrafficSpec.Tcp c -> {
                    from.programs.add((kernel, stack) -> {
                        tr.tcp = new TcpConnectGenerator(stack, to, c.port(), c.connections(), c.concurrency(), c.bytes());
                        kernel.spawn(tr.tcp);
                    });
                    for (RunningVm server : servers(t.to())) {
                        if (echoServers.add(server.name() + ":" + c.port())) {
                            server.programs.add((kernel, stack) -> new TcpEchoServer(stack, c.port()));
                        }
                    }
                }
            }
        }
        for (RunningVm v : vms.values()) {
            boot(v, directory);
        }
        for (ApplianceSpec a : topology.appliances()) {
            RunningAppliance r = RunningAppliance.create(host, topology, plan, a);
            appliances.put(a.name(), r);
            HypervisorSwitch sw = switches.get(r.host());
            for (int i = 0; i < r.nics.size(); i++) {
                String name = a.name() + "." + r.nics.get(i).name();
                r.bridgePorts[i] = plug(sw, name, captured(name, r.vm.port(i)));
            }
            addPart("appliance " + a.name(), r.vm.vcpu());
        }
        for (HypervisorSwitch a : switches.values()) {
            for (HypervisorSwitch b : switches.values()) {
                if (a != b) {
                    Impairment link = topology.links().stream()
                            .filter(l -> l.a().equals(a.host()) && l.b().equals(b.host()) || l.a().equals(b.host()) && l.b().equals(a.host()))
                            .map(LinkSpec::impairment).findFirst().orElse(Impairment.NONE);
                    a.tunnelTo(b, tunnel -> {
                        FramePort p = captured(a.host() + ":" + tunnel.name(), tunnel);
                        return tap(a.host(), link.isNone() ? p : impair(p, link, false));
                    });
                }
            }
            List<CaptureFile.Point> underlay = capturePoints.get(new CapturePoint.Underlay(a.host()).name());
            if (underlay != null) {
                a.tapUnderlay(underlay);
            }
        }
        programNetworks();
        appliances.values().forEach(a -> a.vm.start());
        for (HypervisorSwitch sw : switches.values()) {
            addPart("switch " + sw.bridge().name(), () -> sw.agent().runUntilQuiet() > 0);
        }
        if (switches.size() > 1) {
            addPart("underlay", new Underlay(List.copyOf(switches.values())));
        }
        // Boot: every guest enumerates PCI and brings its NIC up at time 0; the programs start after.
        steps.runUntilIdle();
        for (RunningVm v : vms.values()) {
            v.booted = v.vm.stats();
        }
    }

    private static void refuseWhatIsNotBuilt(Topology t) throws NotRunnableException {
        List<String> reasons = new ArrayList<>();
        for (HostSpec h : t.hosts()) {
            List<NicAttachment> vfs = t.vms().stream().filter(v -> v.host().equals(h.name())).flatMap(v -> v.nics().stream())
                    .filter(n -> n.model() == Model.SRIOV_VF).toList();
            if (vfs.stream().map(NicAttachment::network).distinct().count() > 1) {
                reasons.add("host " + h.name() + ": VFs of one NIC on several networks need a VLAN per VF, not built yet");
            }
        }
        for (VmSpec v : t.vms()) {
            if (v.nics().size() != 1) {
                reasons.add("VM " + v.name() + " has " + v.nics().size() + " NICs: a run gives each VM exactly one for now");
            }
            for (NicAttachment n : v.nics()) {
                if (n.model() == Model.SRIOV_VF && !n.impairment().isNone()) {
                    reasons.add("VM " + v.name() + ": an impairment on a VF is not built yet (it has no switch port of its own)");
                }
                if (n.ip().isEmpty()) {
                    reasons.add("VM " + v.name() + ": a NIC without an ip — addresses from a DHCP appliance are not handed to a run's VMs"
                            + " yet; give it an ip");
                }
            }
        }
        List<String> appliances = NetworkPlan.refusals(t);
        reasons.addAll(appliances);
        if (appliances.isEmpty()) {
            try {
                NetworkPlan.of(t);
            } catch (IllegalStateException e) {
                reasons.add(e.getMessage());
            }
        }
        for (String cost : t.costOverrides().keySet()) {
            if (!COST_NAMES.containsKey(cost)) {
                reasons.add("cost-model: the cost model has no cost '" + cost + "' (it has "
                        + String.join(", ", new java.util.TreeSet<>(COST_NAMES.keySet())) + ")");
            }
        }
        Map<String, Integer> pings = new LinkedHashMap<>();
        for (TrafficSpec tr : t.traffic()) {
            if (t.vm(tr.from()).isEmpty()) {
                reasons.add("traffic from " + tr.from() + ": an appliance runs its function only, not traffic programs");
            }
            if (tr instanceof TrafficSpec.Ping) {
                pings.merge(tr.from(), 1, Integer::sum);
            }
            if (tr instanceof TrafficSpec.Udp u && u.size() > 1518) {
                reasons.add("udp from " + tr.from() + ": " + u.size() + "-byte frames are jumbo frames, not built yet (up to 1518)");
            }
        }
        pings.forEach((vm, n) -> {
            if (n > 1) {
                reasons.add(n + " pings from " + vm + ": one ping per VM at a time for now");
            }
        });
        if (!reasons.isEmpty()) {
            throw new NotRunnableException(reasons);
        }
    }

    private Ipv4Address target(TrafficSpec.Target to) {
        return switch (to) {
            case TrafficSpec.Target.Vm v -> vms.get(v.name()).ip();
            case TrafficSpec.Target.Address a -> a.ip();
        };
    }

    /**
     * The VMs that serve TCP sent to {@code to}: the VM itself, or the VM with that address, or a
     * load balancer's backends when it is the VIP.
     */
    private List<RunningVm> servers(TrafficSpec.Target to) {
        return switch (to) {
            case TrafficSpec.Target.Vm v -> List.of(vms.get(v.name()));
            case TrafficSpec.Target.Address a -> {
                for (ApplianceSpec spec : topology.appliances()) {
                    if (spec.config() instanceof ApplianceSpec.LoadBalancer lb && lb.vip().equals(a.ip())) {
                        yield lb.backends().stream().map(vms::get).toList();
                    }
                }
                yield vms.values().stream().filter(v -> v.nic.ip().filter(a.ip()::equals).isPresent()).toList();
            }
        };
    }

    static long packetsPerSecond(Rate rate, int frameSize) {
        return switch (rate.unit()) {
            case PACKETS -> rate.value();
            case BITS -> Math.max(1, rate.value() / (8L * frameSize));
        };
    }

    /** Creates the VM and its NIC, plugs the NIC into the switch and loads the guest kernel. */
    private void boot(RunningVm v, Path directory) throws IOException {
        NicAttachment nic = v.nic;
        String portName = v.name() + "." + nic.name();
        VmConfig config = VmConfig.of(v.name(), v.spec.memoryBytes());
        // Posted interrupts (the VF path) need APICv; the other paths run without it, as their benchmarks do.
        v.vm = host.createVm(nic.model() == Model.SRIOV_VF ? config.withApicv(true) : config);
        boolean[] waitForMac = new boolean[1];
        NetDevice[] driver = new NetDevice[1];
        Kernel.Builder kernel = Kernel.builder();
        switch (nic.model()) {
            case E1000 -> {
                E1000 device = new E1000(portName, nic.mac(), v.vm.dma(), host.timers());
                device.setMsiSink(v.vm::signalMsi);
                v.vm.pciBus().attach(FIRST_NIC_SLOT, 0, device);
                v.port = device;
                E1000Driver d = new E1000Driver();
                driver[0] = d;
                kernel.driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> d);
            }
            case VIRTIO -> {
                VirtioNet device = new VirtioNet(portName, nic.mac(), 1, 256);
                VirtioPciTransport transport = new VirtioPciTransport(device, v.vm.dma());
                transport.msixCapability().setSink(v.vm::signalMsi);
                v.vm.pciBus().attach(FIRST_NIC_SLOT, 0, transport);
                v.port = device;
                VirtioNetDriver d = new VirtioNetDriver();
                driver[0] = d;
                kernel.driver(VirtioPciLayout.VENDOR_ID, VirtioPciLayout.DEVICE_ID_BASE + 1, () -> d);
            }
            case SRIOV_VF -> {
                VirtualFunction vf = sriov.get(v.spec.host()).assign(v.vm, nic.mac(), FIRST_NIC_SLOT);
                // The VF's capture point: its mirror on the NIC's embedded switch, both directions.
                CaptureTap vfTap = tap(portName);
                sriov.get(v.spec.host()).mirror(vf, (frame, fromVf) -> vfTap.record(frame));
                v.port = vf;
                VfNetDriver d = new VfNetDriver();
                driver[0] = d;
                waitForMac[0] = true;
                kernel.driver(VfNetDriver.VENDOR_ID, VfNetDriver.DEVICE_ID, () -> d);
            }
        }
        Ipv4Address ip = v.ip();
        int prefix = topology.network(nic.network()).orElseThrow().subnet().prefixLength();
        Ipv4Address gateway = plan.gateway(nic.network()).map(NetworkPlan.ApplianceNic::ip).orElse(null);
        Task start = k -> {
            NetStack stack = new NetStack(k, driver[0], ip, prefix);
            if (gateway != null) {
                stack.setGateway(gateway);
            }
            k.spawnAfter(PROGRAM_START_NANOS, k2 -> {
                for (BiConsumer<Kernel, NetStack> program : v.programs) {
                    program.accept(k2, stack);
                }
                return false;
            });
            return false;
        };
        if (waitForMac[0]) {
            // The VF driver learns its MAC from the PF by the mailbox; the stack starts with it.
            VfNetDriver d = (VfNetDriver) driver[0];
            kernel.task(k -> {
                d.whenReady(() -> k.spawn(start));
                return false;
            });
        } else {
            kernel.task(start);
        }
        v.vm.load(kernel.build());
        if (nic.model() == Model.SRIOV_VF) {
            // A VF is not a port of the switch: its frames reach it through the NIC's uplink.
            v.bridgePort = nicPorts.get(v.spec.host());
        } else {
            FramePort onSwitch = captured(portName, v.port);
            if (!nic.impairment().isNone()) {
                v.impaired = impair(onSwitch, nic.impairment(), true);
                onSwitch = v.impaired;
            }
            v.bridgePort = plug(switches.get(v.spec.host()), portName, onSwitch);
        }
        addPart("vm " + v.name(), v.vm.vcpu(0));
    }

    /**
     * Starts the run's controller ({@link RunController}) and has it program the switches: each
     * network of the topology with its VNI, a tunnel from each hypervisor's switch to each other's,
     * and each vNIC (or VF, behind its NIC's uplink port) as a member of its network with its port
     * and MAC. The controller's overlay app installs, on each switch, what makes each network its
     * own broadcast domain carried between hypervisors in VXLAN with the network's VNI: unicast to a
     * local member's port or into the tunnel towards its hypervisor, broadcast to the network's other
     * local ports and every hypervisor with a member, from a tunnel by VNI to the local members only
     * (split horizon), and port security (a member's port accepts only its own source MAC). The run
     * waits until every switch has confirmed its flows.
     */
    private void programNetworks() throws IOException {
        controller = RunController.start(switches.values(), new InetSocketAddress("127.0.0.1", 0), api.address(), api.token());
        for (NetworkSpec n : topology.networks()) {
            controller.register(new Network(n.name(), n.vni().value()));
        }
        for (HypervisorSwitch a : switches.values()) {
            for (HypervisorSwitch b : switches.values()) {
                if (a != b) {
                    controller.register(new Tunnel(a.bridge().datapathId(), a.tunnelPort(b.host()), b.bridge().datapathId()));
                }
            }
        }
        for (RunningVm v : vms.values()) {
            controller.register(new Member(v.nic.network(), switches.get(v.spec.host()).bridge().datapathId(), v.bridgePort,
                    v.nic.mac().toString(), v.ip().toString()));
        }
        // A router's and a DHCP server's NICs are members of their networks; a chain hop's ports are not.
        for (RunningAppliance a : appliances.values()) {
            if (a.spec.config() instanceof ApplianceSpec.Router || a.spec.config() instanceof ApplianceSpec.Dhcp) {
                for (int i = 0; i < a.nics.size(); i++) {
                    NetworkPlan.ApplianceNic n = a.nics.get(i);
                    controller.register(new Member(n.network(), switches.get(a.host).bridge().datapathId(), a.bridgePorts[i],
                            n.mac().toString(), n.ip().toString()));
                }
            }
        }
        controller.connectAndSync();
        if (!topology.chains().isEmpty()) {
            controller.addChains(chains());
        }
    }

    /**
     * The topology's chains as networking-sfc objects: each hop appliance a port pair (its
     * {@code eth0} the ingress, {@code eth1} the egress) alone in a port-pair group named after it;
     * one classifier per chain taking, on the chain's {@code from} network, IPv4 from that subnet to
     * the {@code to} network's; a symmetric port chain through the groups in {@code through} order.
     */
    private List<RunController.Chain> chains() {
        List<RunController.Chain> out = new ArrayList<>();
        for (ChainSpec c : topology.chains()) {
            List<PortPair> pairs = new ArrayList<>();
            List<PortPairGroup> groups = new ArrayList<>();
            for (String hop : c.through()) {
                RunningAppliance a = appliances.get(hop);
                DatapathId dpid = switches.get(a.host).bridge().datapathId();
                pairs.add(new PortPair(hop, new HopPort(dpid, a.bridgePorts[0]), new HopPort(dpid, a.bridgePorts[1])));
                groups.add(new PortPairGroup(hop, List.of(hop)));
            }
            FlowClassifier classifier = new FlowClassifier(c.name(), c.from(), null,
                    topology.network(c.from()).orElseThrow().subnet().toString(), topology.network(c.to()).orElseThrow().subnet().toString(),
                    null, null, null);
            out.add(new RunController.Chain(pairs, groups, classifier,
                    new PortChain(c.name(), List.copyOf(c.through()), List.of(c.name()), true)));
        }
        return out;
    }

    /**
     * The underlay as a part of the step driver: while VXLAN datagrams are between two VTEPs (in
     * the kernel's loopback path), the run is not quiet, so virtual time does not move on without
     * them. It waits for them in short parks; a datagram the kernel lost is given up after
     * {@link #UNDERLAY_PATIENCE_NANOS} of real time.
     */
    private static final class Underlay implements Steppable {
        private final List<HypervisorSwitch> switches;
        private long waitingSince = -1;

        Underlay(List<HypervisorSwitch> switches) {
            this.switches = switches;
        }

        @Override
        public boolean step() {
            long inFlight = 0;
            for (HypervisorSwitch a : switches) {
                for (HypervisorSwitch b : switches) {
                    if (a != b) {
                        inFlight += a.inFlightTo(b);
                    }
                }
            }
            if (inFlight <= 0) {
                waitingSince = -1;
                return false;
            }
            long now = System.nanoTime();
            if (waitingSince < 0) {
                waitingSince = now;
            } else if (now - waitingSince > UNDERLAY_PATIENCE_NANOS) {
                return false;
            }
            LockSupport.parkNanos(UNDERLAY_PARK_NANOS);
            return true;
        }
    }

    /** Adds an active part to the step driver, telling the observer when it did some work. */
    private void addPart(String name, Steppable part) {
        if (observer == RunObserver.NONE) {
            steps.add(part);
            return;
        }
        steps.add(() -> {
            boolean progress = part.step();
            if (progress) {
                observer.stepped(name);
            }
            return progress;
        });
    }

    /** {@code port} as the switch of {@code host} sees it: tapped for the observer, if there is one. */
    private FramePort tap(String host, FramePort port) {
        return observer == RunObserver.NONE ? port : new TappedPort(host, port, observer);
    }

    /** Adds {@code port} to {@code sw} (tapped for the observer) and returns its number. */
    private int plug(HypervisorSwitch sw, String name, FramePort port) {
        return sw.bridge().addPort(name, tap(sw.host(), port));
    }

    /** {@code port} through {@code impairment}, stepped with the rest of the run. */
    private ImpairedPort impair(FramePort port, Impairment impairment, boolean bothWays) {
        ImpairedPort p = new ImpairedPort(port, impairment, bothWays, clock::nanos, host.timers());
        addPart("impairment " + port.name(), p);
        return p;
    }

    /**
     * Creates every capture's file (or first ring file) under {@code directory} with an interface per
     * point, before any port exists; each port gets its point's tap as it is added ({@link #captured}).
     * Captures started later (REST) are written under the same directory.
     */
    private void openCaptures(Path directory) throws IOException {
        captureDirectory = directory;
        // What the REST API asks of the captures is done here, on the run's thread, between steps.
        steps.add(() -> captureResource != null && captureResource.runPending());
        for (CaptureSpec c : topology.captures()) {
            try {
                openCapture(c);
            } catch (IOException e) {
                throw new IOException("capture " + c.port() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Creates {@code c}'s file with an interface per point and has each point give it its frames from now on. */
    private Capture openCapture(CaptureSpec c) throws IOException {
        Path file = captureDirectory.resolve(c.file());
        BpfFilter filter = c.filter().map(BpfFilter::compile).orElse(null);
        CaptureFile f = CaptureFile.create(file, c.ring().map(r -> new CaptureFile.Ring(r.files(), r.size())).orElse(null), filter,
                () -> epochNanos + clock.nanos());
        List<CaptureFile.Point> points = new ArrayList<>();
        try {
            for (CapturePoint p : c.points()) {
                points.add(f.point(p.name(), describe(p)));
            }
        } catch (IOException e) {
            f.close();
            throw e;
        }
        for (int i = 0; i < points.size(); i++) {
            CapturePoint p = c.points().get(i);
            if (p instanceof CapturePoint.Underlay u) {
                List<CaptureFile.Point> underlay = capturePoints.get(p.name());
                if (underlay == null) {
                    underlay = new java.util.concurrent.CopyOnWriteArrayList<>();
                    capturePoints.put(p.name(), underlay);
                    if (captureResource != null) {
                        // Built: the tunnels exist (before, populate taps them with this list).
                        switches.get(u.host()).tapUnderlay(underlay);
                    }
                }
                underlay.add(points.get(i));
            } else {
                tap(p.name()).add(points.get(i));
            }
        }
        Capture capture = new Capture(Integer.toString(nextCaptureId++), c, file, f);
        captures.put(capture.id(), capture);
        return capture;
    }

    /**
     * Starts capture {@code c} now (on the run's thread: {@link CaptureResource}).
     *
     * @throws IllegalArgumentException if a point is not one of this run's, or its file is another capture's
     * @throws IOException if its file cannot be created (nothing started)
     */
    Capture startCapture(CaptureSpec c) throws IOException {
        CapturePoint.Inventory inventory = CapturePoint.Inventory.of(topology);
        for (CapturePoint p : c.points()) {
            String problem = CapturePoint.problem(p, inventory);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (!(p instanceof CapturePoint.Underlay) && !taps.containsKey(p.name())) {
                throw new IllegalArgumentException("capture point '" + p.name() + "' is not in this run yet (an appliance's NIC needs the nfv module)");
            }
        }
        Path file = captureDirectory.resolve(c.file()).toAbsolutePath().normalize();
        for (Capture other : captures.values()) {
            if (other.file().toAbsolutePath().normalize().equals(file)) {
                throw new IllegalArgumentException("file " + c.file() + " is capture " + other.id() + "'s — give each capture its own file");
            }
        }
        return openCapture(c);
    }

    /**
     * Stops capture {@code id}: its points give it no more frames, its file is flushed and closed.
     *
     * @return the capture, or null if there is none with that id
     * @throws IllegalStateException if it is already stopped
     * @throws IOException if the file could not be flushed (the capture is stopped all the same)
     */
    Capture stopCapture(String id) throws IOException {
        Capture c = captures.get(id);
        if (c == null) {
            return null;
        }
        if (c.taker().closed()) {
            throw new IllegalStateException("capture " + id + " is already stopped");
        }
        List<CaptureFile.Point> points = c.points();
        for (int i = 0; i < points.size(); i++) {
            CapturePoint p = c.spec().points().get(i);
            if (p instanceof CapturePoint.Underlay) {
                capturePoints.get(p.name()).remove(points.get(i));
            } else {
                taps.get(p.name()).remove(points.get(i));
            }
        }
        c.taker().close();
        return c;
    }

    /** The directory capture files are written under. */
    Path captureDirectory() {
        return captureDirectory;
    }

    /** The tap of capture point {@code name}, created empty the first time. */
    private CaptureTap tap(String name) {
        return taps.computeIfAbsent(name, CaptureTap::new);
    }

    /** What a capture point is, for its interface's {@code if_description}. */
    private String describe(CapturePoint p) {
        return switch (p) {
            case CapturePoint.Vnic v when vms.containsKey(v.owner()) && vms.get(v.owner()).model() == Model.SRIOV_VF ->
                    "VF vNIC " + v.name() + " of " + vms.get(v.owner()).host() + "'s SR-IOV NIC as its embedded switch mirrors it"
                            + " (both directions: what the VF sends, what the switch delivers to it)";
            case CapturePoint.Vnic v -> "vNIC " + v.name() + " where "
                    + (vms.containsKey(v.owner()) ? "the switch of " + vms.get(v.owner()).host() : "its host's switch") + " meets it (both directions)";
            case CapturePoint.SwitchPort sp -> "port " + sp.port() + " of the switch of " + sp.host() + " as the switch sees it"
                    + (sp.port().startsWith("vxlan-") ? " (inner frames, before encapsulation)" : "");
            case CapturePoint.Underlay u -> "VXLAN datagrams of " + u.host() + "'s VTEP " + switches.get(u.host()).vtep()
                    + " (RFC 7348; Ethernet addresses synthesized, UDP destination port shown as 4789)";
        };
    }

    /**
     * {@code port} as the switch sees it, through the tap of capture point {@code point}, so that a
     * capture can take it whenever it starts. A vNIC's point is {@code VM.NIC}; any other port's
     * {@code HOST:PORT} (docs/capture.md). Appliance ports (the lead's) go through here too, named
     * {@code APPLIANCE.NIC}.
     */
    FramePort captured(String point, FramePort port) {
        return new CapturingPort(port, tap(point));
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Closes the tunnels and their VTEPs, flushes and closes the captures. */
    @Override
    public void close() throws IOException {
        if (captureResource != null) {
            captureResource.close();
        }
        if (controller != null) {
            controller.close();
        }
        for (HypervisorSwitch sw : switches.values()) {
            sw.close();
        }
        IOException first = null;
        for (Capture c : captures.values()) {
            try {
                c.taker().close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public List<Capture> captures() {
        return List.copyOf(captures.values());
    }

    /**
     * Runs until every traffic entry is done and the system is quiet, or until {@code limit} of
     * virtual time has passed.
     *
     * @return whether the traffic finished within the limit
     */
    public boolean run(Duration limit) {
        return run(limit, run -> { });
    }

    /** As {@link #run(Duration)}, telling {@code progress} after each slice of virtual time. */
    public boolean run(Duration limit, Consumer<TopologyRun> progress) {
        long end = clock.nanos() + limit.toNanos();
        BooleanSupplier done = () -> traffic.stream().allMatch(TrafficRun::done);
        while (clock.nanos() < end) {
            long sliceEnd = Math.min(end, clock.nanos() + SLICE_NANOS);
            steps.runUntil(sliceEnd);
            if (done.getAsBoolean()) {
                // Appliances poll on timers: give frames still in their rings the time to move on.
                steps.runUntil(appliances.isEmpty() ? clock.nanos() : clock.nanos() + DRAIN_NANOS);
                return true;
            }
            clock.advanceTo(sliceEnd);
            progress.accept(this);
        }
        return done.getAsBoolean();
    }

    public Topology topology() {
        return topology;
    }

    /** The switch of hypervisor {@code host}. */
    public Bridge bridge(String host) {
        return switches.get(host).bridge();
    }

    public List<RunningVm> vms() {
        return List.copyOf(vms.values());
    }

    public List<TrafficRun> traffic() {
        return List.copyOf(traffic);
    }

    /** The appliances, in the file's order. */
    public List<RunningAppliance> appliances() {
        return List.copyOf(appliances.values());
    }

    /**
     * The hops of chain {@code name} with their packet and byte counters, read from the switches by
     * the run's controller (OpenFlow flow and group statistics).
     *
     * @throws IOException if the switches do not answer
     */
    public List<SfcApp.HopCounters> chainCounters(String name) throws IOException {
        return controller.chainCounters(name);
    }

    /** Runs until quiet, then on through every timer due up to {@code nanos}, and sets the clock to {@code nanos}. */
    void advance(long nanos) {
        steps.runUntil(nanos);
        if (clock.nanos() < nanos) {
            clock.advanceTo(nanos);
        }
    }

    Map<String, HypervisorSwitch> switches() {
        return switches;
    }

    Map<String, SriovNic> sriovNics() {
        return sriov;
    }

    /** Where the controller's REST API listens. */
    public InetSocketAddress apiAddress() {
        return controller.controller().apiAddress();
    }

    /** The token the REST API wants for a change. */
    public String apiToken() {
        return controller.controller().token();
    }

    /** Whether the token was generated (none was given). */
    public boolean apiTokenGenerated() {
        return controller.controller().tokenGenerated();
    }

    /**
     * Runs on, with virtual time following real time from now on, until {@code stopped} says so
     * (checked every few milliseconds): what {@code iovirt run --keep} does after the traffic, so that
     * the REST API can still drive the switches (the step driver carries out what the controller
     * sends them) and the guests' timers still fire.
     */
    public void keepRunning(BooleanSupplier stopped) {
        long realStart = System.nanoTime();
        long virtualStart = clock.nanos();
        while (!stopped.getAsBoolean()) {
            advance(virtualStart + (System.nanoTime() - realStart));
            LockSupport.parkNanos(KEEP_SLICE_NANOS);
        }
    }

    /** The virtual time the run has reached. */
    public long nanos() {
        return clock.nanos();
    }
}
