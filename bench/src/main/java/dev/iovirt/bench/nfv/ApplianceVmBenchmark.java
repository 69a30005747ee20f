package dev.iovirt.bench.nfv;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.VirtioNetDriver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.nfv.ApplianceVm;
import dev.iovirt.nfv.firewall.Firewall;
import dev.iovirt.nfv.firewall.Rule;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.virtio.net.VirtioNet;
import dev.iovirt.virtio.pci.VirtioPciLayout;
import dev.iovirt.virtio.pci.VirtioPciTransport;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole appliance VM in the simulator: client VM → firewall appliance VM (1,000 rules, two
 * poll-mode virtio NICs) → server VM, all on virtual time, cabled with {@link FrameLink}s. The client's
 * generator sends {@link #PACKETS_PER_MS} 64-byte UDP datagrams per virtual millisecond in bursts of 32
 * (one established connection, allowed by the last rule); one invocation is one virtual millisecond.
 * The score is host time per packet for the whole system (three guests, two links, the devices); at
 * tear-down it prints the appliance's exits per packet and how often its loop slept.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ApplianceVmBenchmark {
    static final int PACKETS_PER_MS = 100;
    private static final long MS = 1_000_000;

    private VirtualClock clock;
    private StepDriver steps;
    private ApplianceVm appliance;
    private UdpTrafficGenerator generator;
    private final long[] sunk = new long[1];
    private VcpuStats fw0;
    private long sent0;
    private long sleeps0;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new VirtualClock();
        Host host = new Host(1L << 30, clock);
        steps = new StepDriver(clock, host.timers()).maxRounds(10_000_000);
        VirtioNet client = vm(host, "client", "52:54:00:00:00:0a", "10.1.0.1", true);
        VirtioNet server = vm(host, "server", "52:54:00:00:00:0b", "10.1.0.2", false);
        List<Rule> rules = new ArrayList<>(NfvFrames.thousandRules());
        rules.set(rules.size() - 1, Rule.parse("allow udp from 10.1.0.1 to 10.1.0.2 port 9"));
        appliance = ApplianceVm.create(host, ApplianceVm.Config.of("fw1", List.of(
                new ApplianceVm.VirtioNic("eth0", MacAddress.of("52:54:00:00:0f:00")),
                new ApplianceVm.VirtioNic("eth1", MacAddress.of("52:54:00:00:0f:01")))),
                new Firewall(Firewall.Config.of(rules)));
        steps.add(appliance.vcpu());
        appliance.start();
        cable(client, appliance.port(0));
        cable(appliance.port(1), server);
        steps.runUntil(10 * MS); // boot, ARP through the firewall
        fw0 = appliance.vm().stats();
        sent0 = generator.sent();
        sleeps0 = appliance.idleSleeps();
    }

    private void cable(FramePort a, FramePort b) {
        FrameLink link = new FrameLink(a, b);
        steps.add(() -> link.pump() > 0);
    }

    private VirtioNet vm(Host host, String name, String mac, String ip, boolean sender) {
        Vm vm = host.createVm(VmConfig.of(name, 64L << 20));
        VirtioNet nic = new VirtioNet(name + ".eth0", MacAddress.of(mac), 1, 256);
        VirtioPciTransport transport = new VirtioPciTransport(nic, vm.dma());
        transport.msixCapability().setSink(vm::signalMsi);
        vm.pciBus().attach(5, 0, transport);
        VirtioNetDriver driver = new VirtioNetDriver();
        Kernel kernel = Kernel.builder().driver(VirtioPciLayout.VENDOR_ID, VirtioPciLayout.DEVICE_ID_BASE + 1, () -> driver)
                .task(k -> {
                    NetStack stack = new NetStack(k, driver, Ipv4Address.of(ip), 24);
                    if (sender) {
                        generator = new UdpTrafficGenerator(stack, 40000, Ipv4Address.of("10.1.0.2"), 9,
                                PACKETS_PER_MS * 1000L, 64, Long.MAX_VALUE, 32);
                        k.spawn(generator);
                    } else {
                        stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++);
                    }
                    return false;
                }).build();
        vm.load(kernel);
        steps.add(vm.vcpu(0));
        return nic;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS_PER_MS)
    public int oneVirtualMillisecondThroughTheFirewallVm() {
        return steps.runUntil(clock.nanos() + MS);
    }

    @TearDown(Level.Trial)
    public void report() {
        long packets = generator.sent() - sent0;
        VcpuStats fw1 = appliance.vm().stats();
        System.out.printf("%n[client VM -> firewall VM (1,000 rules) -> server VM, 64B UDP, burst 32] packets %d (received %d);"
                        + " appliance exits/packet %.3f (user-space %.3f); idle sleeps/packet %.3f; rule hits %s%n",
                packets, sunk[0], (fw1.exits - fw0.exits) / (double) packets,
                (fw1.userSpaceExits - fw0.userSpaceExits) / (double) packets,
                (appliance.idleSleeps() - sleeps0) / (double) packets,
                appliance.functionCounters().get("rule-999-packets"));
    }
}
