package dev.iovirt.bench.vmm;

import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.VcpuRunner;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One simulated VM exit and entry: a guest VMCALL exits (guest state saved, exit fields written), the
 * in-kernel dispatcher handles it, and VMRESUME runs its entry checks and returns to the guest. Each
 * invocation is one runner step whose guest slice makes {@link #CALLS} VMCALLs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ExitRoundTripBenchmark {
    static final int CALLS = 100;
    private VcpuRunner runner;
    private VcpuRunner ioRunner;

    @Setup
    public void setUp() {
        Host host = new Host(256L << 20, new VirtualClock());
        Vm vm = host.createVm(VmConfig.of("bench", 64L << 20));
        vm.load(new FlatGuest(CALLS));
        runner = vm.vcpu(0);
        runner.step(); // boot
        Vm io = host.createVm(VmConfig.of("bench-io", 64L << 20));
        io.ioBus().register(0x510, 1, new dev.iovirt.vmm.io.PioDevice() {
            private int last;

            @Override
            public int ioRead(int offset, int size) {
                return last;
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                last = value;
            }
        });
        io.load(new FlatGuest(CALLS, 0x510));
        ioRunner = io.vcpu(0);
        ioRunner.step();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public boolean vmcallExitAndEntry() {
        return runner.step();
    }

    /** An OUT that exits and is forwarded to a device model in the VMM's user-space part. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public boolean portIoExitToUserSpaceDevice() {
        return ioRunner.step();
    }
}
