package dev.iovirt.vmm.testing;

import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.hv.VcpuRunner;
import dev.iovirt.vmm.time.VirtualClock;

/** A host under virtual time with a step driver, for deterministic tests. */
public final class TestHost {
    public final VirtualClock clock = new VirtualClock();
    public final Host host;
    public final StepDriver driver;

    public TestHost(long memoryBytes) {
        host = new Host(memoryBytes, clock);
        driver = new StepDriver(clock, host.timers()).maxRounds(100_000);
    }

    public TestHost() {
        this(1L << 30);
    }

    /** Creates a VM, registers its vCPUs with the driver. */
    public Vm vm(VmConfig config) {
        Vm vm = host.createVm(config);
        for (VcpuRunner r : vm.vcpus()) {
            driver.add(r);
        }
        return vm;
    }
}
