package dev.iovirt.bench.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.VfNetDriver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.iommu.Iommu;
import dev.iovirt.iommu.VmPostedInterrupts;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.sriov.EmbeddedSwitch;
import dev.iovirt.sriov.PfMailbox;
import dev.iovirt.sriov.PhysicalFunction;
import dev.iovirt.sriov.VfAssignment;
import dev.iovirt.sriov.VfWiring;
import dev.iovirt.sriov.VirtualFunction;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
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
 * VM → VM 64-byte UDP over SR-IOV: two VMs each with an assigned VF (VFIO-like: IOMMU domain, doorbell
 * page in EPT, posted interrupts) of one X710-class NIC, joined by its embedded switch; the guests run
 * the guest module's {@code VfNetDriver} and network stack. The twin of {@code VirtioVmToVmBenchmark}:
 * guest a's traffic generator sends {@link #PACKETS_PER_MS} datagrams per virtual millisecond in bursts
 * of {@link #burst} to a sink socket in guest b; one invocation is one virtual millisecond. The score is
 * host time per packet (issue 6: VF VM→VM packets/s, and exits/packet with a goal of 0). At tear-down it
 * prints exits (all, MMIO, user space), interrupts and doorbells per packet and the modeled cycles per
 * packet.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar VfVmToVm -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class VfVmToVmBenchmark {
    static final int PACKETS_PER_MS = 100;
    private static final long MS = 1_000_000;

    /** Datagrams the generator sends back to back per wake-up. */
    @Param({"1", "32"})
    public int burst;

    /** Both guests' drivers in poll mode (no RX interrupt) instead of interrupt mode. */
    @Param({"false", "true"})
    public boolean pollMode;

    private VirtualClock clock;
    private Host host;
    private Iommu iommu;
    private StepDriver steps;
    private Vm a;
    private Vm b;
    private VfNetDriver driverA;
    private VfNetDriver driverB;
    private UdpTrafficGenerator generator;
    private final long[] sunk = new long[1];
    private VcpuStats a0;
    private VcpuStats b0;
    private long sent0;
    private long doorbells0;
    private long interrupts0;
    private long posted0;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new VirtualClock();
        host = new Host(1L << 30, clock);
        iommu = new Iommu(host.memory(), host.hostAccount(), Iommu.Options.defaults());
        VmPostedInterrupts posted = new VmPostedInterrupts(host.memory());
        iommu.setPostedInterruptTarget(posted);
        PhysicalFunction pf = new PhysicalFunction("enp0s4f0", Bdf.of(0, 4, 0), VfWiring.iommu(iommu, new MemoryAccount("sriov nic")));
        EmbeddedSwitch veb = new EmbeddedSwitch(pf, new Wire(), clock);
        PfMailbox mailbox = new PfMailbox(pf, veb);
        int cap = pf.sriovCapabilityOffset();
        pf.configWrite(cap + SRIOV_NUM_VFS, 2, 2);
        pf.configWrite(cap + SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
        steps = new StepDriver(clock, host.timers()).maxRounds(10_000_000);
        steps.add(veb);
        steps.add(mailbox);
        a = vm("a", "02:00:00:00:00:0a", "10.0.0.1", true, pf.virtualFunctions().get(0), veb, posted);
        b = vm("b", "02:00:00:00:00:0b", "10.0.0.2", false, pf.virtualFunctions().get(1), veb, posted);
        steps.runUntil(10 * MS); // boot, mailbox, ARP
        a0 = a.stats();
        b0 = b.stats();
        sent0 = generator.sent();
        doorbells0 = driverA.doorbells();
        interrupts0 = driverB.interrupts();
        posted0 = iommu.stats().interruptsPosted;
    }

    private Vm vm(String name, String mac, String ip, boolean sender, VirtualFunction vf, EmbeddedSwitch veb,
            VmPostedInterrupts posted) {
        Vm vm = host.createVm(VmConfig.of(name, 64L << 20).withApicv(true));
        posted.register(vm);
        veb.setMac(vf, MacAddress.of(mac));
        VfAssignment.assign(vf, vm, iommu, 5, 0xE000_0000L, 0xE001_0000L);
        VfNetDriver driver = new VfNetDriver(VfNetDriver.DEFAULT_MEMORY_BASE, pollMode);
        Task start = k -> {
            NetStack stack = new NetStack(k, driver, Ipv4Address.of(ip), 24);
            if (sender) {
                generator = new UdpTrafficGenerator(stack, 40000, Ipv4Address.of("10.0.0.2"), 9,
                        PACKETS_PER_MS * 1000L, 64, Long.MAX_VALUE, burst);
                k.spawn(generator);
            } else {
                stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++);
            }
            return false;
        };
        Kernel kernel = Kernel.builder().driver(VfNetDriver.VENDOR_ID, VfNetDriver.DEVICE_ID, () -> driver)
                .task(k -> {
                    driver.whenReady(() -> k.spawn(start));
                    return false;
                }).build();
        vm.load(kernel);
        steps.add(vm.vcpu(0));
        if (sender) {
            driverA = driver;
        } else {
            driverB = driver;
        }
        return vm;
    }

    /** The uplink: an unplugged wire (only the ARP broadcasts reach it). */
    private static final class Wire implements FramePort {
        private final PortCounters counters = new PortCounters();

        @Override
        public String name() {
            return "uplink";
        }

        @Override
        public int receive(FrameBatch batch) {
            return 0;
        }

        @Override
        public int transmit(FrameBatch batch) {
            counters.txPackets += batch.size();
            return batch.size();
        }

        @Override
        public PortCounters counters() {
            return counters;
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS_PER_MS)
    public int oneVirtualMillisecondOf64ByteUdp() {
        return steps.runUntil(clock.nanos() + MS);
    }

    @TearDown(Level.Trial)
    public void report() {
        long packets = generator.sent() - sent0;
        VcpuStats a1 = a.stats().since(a0);
        VcpuStats b1 = b.stats().since(b0);
        long cycles = (host.costModel().cycles(a.stats()) - host.costModel().cycles(a0) + host.costModel().cycles(b.stats())
                - host.costModel().cycles(b0)) / packets;
        System.out.printf("%n[VF VM->VM 64B UDP, %s mode, burst %d] packets %d (received %d); exits/packet: sender %.3f "
                        + "(MMIO %.3f, user-space %.3f), receiver %.3f (MMIO %.3f, user-space %.3f); doorbells/packet %.3f; "
                        + "RX interrupts/packet %.3f (posted %.3f); modeled cycles/packet (both guests) %d%n",
                pollMode ? "poll" : "interrupt", burst, packets, sunk[0],
                a1.exits / (double) packets, a1.exits(dev.iovirt.vmm.vmx.ExitReason.EPT_VIOLATION) / (double) packets,
                a1.userSpaceExits / (double) packets,
                b1.exits / (double) packets, b1.exits(dev.iovirt.vmm.vmx.ExitReason.EPT_VIOLATION) / (double) packets,
                b1.userSpaceExits / (double) packets,
                (driverA.doorbells() - doorbells0) / (double) packets,
                (driverB.interrupts() - interrupts0) / (double) packets,
                (iommu.stats().interruptsPosted - posted0) / (double) packets, cycles);
    }
}
