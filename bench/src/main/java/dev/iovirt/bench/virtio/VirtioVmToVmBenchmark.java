package dev.iovirt.bench.virtio;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.VirtioNetDriver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.packet.FrameLink;
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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * VM → VM 64-byte UDP over virtio-net (virtio-pci, EVENT_IDX, vhost-user style backend), the twin
 * of {@code E1000VmToVmBenchmark}: guest a's traffic generator sends {@link #PACKETS_PER_MS}
 * datagrams per virtual millisecond in bursts of {@link #burst}, to a sink socket in guest b; one
 * invocation is one virtual millisecond. The score is host time per packet (issue 5's goal: at
 * least 1 M packets/s per core, i.e. at most 1,000 ns/packet). At tear-down it prints exits,
 * interrupts and suppressed notifications per packet and the modeled cycles per packet.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar VirtioVmToVm -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class VirtioVmToVmBenchmark {
    static final int PACKETS_PER_MS = 100;
    private static final long MS = 1_000_000;

    /** Datagrams the generator sends back to back per wake-up (1: one per interrupt at the receiver). */
    @Param({"1", "32"})
    public int burst;

    /** The packed ring (virtio 1.2 §2.8) instead of the split ring. */
    @Param({"false", "true"})
    public boolean packed;

    private VirtualClock clock;
    private Host host;
    private StepDriver steps;
    private Vm a;
    private Vm b;
    private VirtioNet nicA;
    private VirtioNet nicB;
    private VirtioNetDriver driverA;
    private VirtioNetDriver driverB;
    private UdpTrafficGenerator generator;
    private final long[] sunk = new long[1];
    private VcpuStats a0;
    private VcpuStats b0;
    private long sent0;
    private long kicks0;
    private long suppressedKicks0;
    private long interrupts0;
    private long suppressedInterrupts0;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new VirtualClock();
        host = new Host(1L << 30, clock);
        steps = new StepDriver(clock, host.timers()).maxRounds(10_000_000);
        a = vm("a", "52:54:00:00:00:0a", "10.0.0.1", true);
        b = vm("b", "52:54:00:00:00:0b", "10.0.0.2", false);
        FrameLink link = new FrameLink(nicA, nicB);
        steps.add(() -> link.pump() > 0);
        steps.runUntil(10 * MS); // boot, ARP
        a0 = a.stats();
        b0 = b.stats();
        sent0 = generator.sent();
        kicks0 = driverA.kicks();
        suppressedKicks0 = driverA.kicksSuppressed();
        interrupts0 = driverB.interrupts();
        suppressedInterrupts0 = nicB.stats().interruptsSuppressed;
    }

    private Vm vm(String name, String mac, String ip, boolean sender) {
        Vm vm = host.createVm(VmConfig.of(name, 64L << 20));
        VirtioNet nic = new VirtioNet(name + ".eth0", MacAddress.of(mac), 1, 256);
        VirtioPciTransport transport = new VirtioPciTransport(nic, vm.dma());
        transport.msixCapability().setSink(vm::signalMsi);
        vm.pciBus().attach(5, 0, transport);
        VirtioNetDriver driver = new VirtioNetDriver(VirtioNetDriver.DEFAULT_MEMORY_BASE, packed, true);
        Kernel kernel = Kernel.builder().driver(VirtioPciLayout.VENDOR_ID, VirtioPciLayout.DEVICE_ID_BASE + 1, () -> driver)
                .task(k -> {
                    NetStack stack = new NetStack(k, driver, Ipv4Address.of(ip), 24);
                    if (sender) {
                        generator = new UdpTrafficGenerator(stack, 40000, Ipv4Address.of("10.0.0.2"), 9,
                                PACKETS_PER_MS * 1000L, 64, Long.MAX_VALUE, burst);
                        k.spawn(generator);
                    } else {
                        stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++);
                    }
                    return false;
                }).build();
        vm.load(kernel);
        steps.add(vm.vcpu(0));
        if (sender) {
            nicA = nic;
            driverA = driver;
        } else {
            nicB = nic;
            driverB = driver;
        }
        return vm;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS_PER_MS)
    public int oneVirtualMillisecondOf64ByteUdp() {
        return steps.runUntil(clock.nanos() + MS);
    }

    @TearDown(Level.Trial)
    public void report() {
        long packets = generator.sent() - sent0;
        VcpuStats a1 = a.stats();
        VcpuStats b1 = b.stats();
        long cycles = (host.costModel().cycles(a1) - host.costModel().cycles(a0) + host.costModel().cycles(b1)
                - host.costModel().cycles(b0)) / packets;
        System.out.printf("%n[virtio VM->VM 64B UDP, %s ring, burst %d] packets %d (received %d); exits/packet: sender %.3f "
                        + "(user-space %.3f), receiver %.3f (user-space %.3f); kicks/packet %.3f (suppressed %.3f); "
                        + "interrupts/packet %.3f (suppressed %.3f); modeled cycles/packet (both guests) %d%n",
                packed ? "packed" : "split", burst, packets, sunk[0],
                (a1.exits - a0.exits) / (double) packets, (a1.userSpaceExits - a0.userSpaceExits) / (double) packets,
                (b1.exits - b0.exits) / (double) packets, (b1.userSpaceExits - b0.userSpaceExits) / (double) packets,
                (driverA.kicks() - kicks0) / (double) packets, (driverA.kicksSuppressed() - suppressedKicks0) / (double) packets,
                (driverB.interrupts() - interrupts0) / (double) packets,
                (nicB.stats().interruptsSuppressed - suppressedInterrupts0) / (double) packets, cycles);
    }
}
