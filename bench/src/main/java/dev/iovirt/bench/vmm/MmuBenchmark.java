package dev.iovirt.bench.vmm;

import dev.iovirt.vmm.cpu.Mmu;
import dev.iovirt.vmm.ept.Access;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import dev.iovirt.vmm.vmx.VmcsField;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Address translation by a vCPU's MMU: a TLB hit (goal: at least 50 M/s per core) and a cold 2-D walk
 * (24 memory references with 4 KiB pages in both dimensions). The guest has set up paging and touched
 * the page; the benchmark then calls the MMU as the processor does for each access.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MmuBenchmark {
    private Mmu mmu;
    private int vpid;
    private long offset;

    @Setup
    public void setUp() {
        Host host = new Host(256L << 20, new VirtualClock());
        Vm vm = host.createVm(VmConfig.of("bench", 64L << 20));
        vm.load(new FlatGuest(0));
        vm.vcpu(0).step();
        if (vm.stopped()) {
            throw new IllegalStateException(vm.stopReason());
        }
        mmu = vm.vcpu(0).vcpu().mmu();
        vpid = (int) vm.vcpu(0).vcpu().vmread(VmcsField.VIRTUAL_PROCESSOR_ID);
        if (mmu.translate(FlatGuest.DATA, Access.READ) < 0) {
            throw new IllegalStateException("data page not mapped");
        }
    }

    @Benchmark
    public long tlbHitTranslation() {
        offset = (offset + 8) & 0xFF8;
        return mmu.translate(FlatGuest.DATA + offset, Access.READ);
    }

    @Benchmark
    public long cold2dWalk() {
        mmu.invalidatePage(vpid, FlatGuest.DATA);
        return mmu.translate(FlatGuest.DATA, Access.READ);
    }
}
