package dev.iovirt.bench.e1000;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
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
 * VM → VM 64-byte UDP over e1000: guest a's traffic generator sends {@link #PACKETS_PER_MS} datagrams
 * per millisecond of virtual time, in bursts of {@link #burst}, to a sink socket in guest b. One invocation is one virtual
 * millisecond, run by the step driver; the score is host time per packet (its inverse is the
 * simulator's packets/s). At tear-down it prints exits per packet on each side and the cost model's
 * cycles per packet (what the modeled machine would spend on virtualization), which do not depend on
 * the host's speed.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar E1000VmToVm -prof gc} (gc.alloc.rate.norm shows
 * the allocation per packet).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class E1000VmToVmBenchmark {
    static final int PACKETS_PER_MS = 100;
    private static final long MS = 1_000_000;
    private VirtualClock clock;
    private Host host;
    private StepDriver steps;
    private Vm a;
    private Vm b;
    private UdpTrafficGenerator generator;
    private final long[] sunk = new long[1];
    private VcpuStats a0;
    private VcpuStats b0;
    private long sent0;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new VirtualClock();
        host = new Host(1L << 30, clock);
        steps = new StepDriver(clock, host.timers()).maxRounds(10_000_000);
        a = vm("a", "52:54:00:00:00:0a", "10.0.0.1", true);
        b = vm("b", "52:54:00:00:00:0b", "10.0.0.2", false);
        steps.runUntil(10 * MS); // boot, ARP
        a0 = a.stats();
        b0 = b.stats();
        sent0 = generator.sent();
    }

    private Vm vm(String name, String mac, String ip, boolean sender) {
        Vm vm = host.createVm(VmConfig.of(name, 64L << 20));
        E1000 nic = new E1000(name + ".eth0", MacAddress.of(mac), vm.dma(), host.timers());
        nic.setMsiSink(vm::signalMsi);
        vm.pciBus().attach(4, 0, nic);
        E1000Driver driver = new E1000Driver();
        Kernel kernel = Kernel.builder().driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> driver)
                .task(k -> {
                    NetStack stack = new NetStack(k, driver, Ipv4Address.of(ip), 24);
                    if (sender) {
                        generator = new UdpTrafficGenerator(stack, 40000, Ipv4Address.of("10.0.0.2"), 9, PACKETS_PER_MS * 1000L, 64, Long.MAX_VALUE, burst);
                        k.spawn(generator);
                    } else {
                        stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++);
                    }
                    return false;
                }).build();
        vm.load(kernel);
        steps.add(vm.vcpu(0));
        if (sender) {
            // The other end of the cable is wired when b exists.
            pendingNic = nic;
        } else {
            FrameLink link = new FrameLink(pendingNic, nic);
            steps.add(() -> link.pump() > 0);
        }
        return vm;
    }

    private E1000 pendingNic;

    /** Datagrams the generator sends back to back per wake-up (1: one per interrupt at the receiver). */
    @Param({"1", "32"})
    public int burst;

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
        double txUser = (a1.userSpaceExits - a0.userSpaceExits) / (double) packets;
        double txAll = (a1.exits - a0.exits) / (double) packets;
        double rxUser = (b1.userSpaceExits - b0.userSpaceExits) / (double) packets;
        double rxAll = (b1.exits - b0.exits) / (double) packets;
        long cycles = (host.costModel().cycles(a1) - host.costModel().cycles(a0) + host.costModel().cycles(b1) - host.costModel().cycles(b0)) / packets;
        System.out.printf("%n[e1000 VM->VM 64B UDP, burst %d] packets %d (received %d); exits/packet: sender %.2f user-space, %.2f all; "
                + "receiver %.2f user-space, %.2f all; modeled cycles/packet (both guests) %d%n",
                burst, packets, sunk[0], txUser, txAll, rxUser, rxAll, cycles);
    }
}
