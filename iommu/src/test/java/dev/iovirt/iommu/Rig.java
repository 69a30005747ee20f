package dev.iovirt.iommu;

import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.VcpuRunner;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.time.VirtualClock;

/** A host under virtual time with an IOMMU, for deterministic tests (vmm-core's TestHost is not shipped as a test-jar). */
final class Rig {
    static final Bdf NIC = Bdf.of(0, 3, 0);
    static final Bdf OTHER = Bdf.of(0, 4, 0);

    final VirtualClock clock = new VirtualClock();
    final Host host = new Host(4L << 30, clock);
    final StepDriver driver = new StepDriver(clock, host.timers()).maxRounds(100_000);
    final HostMemory memory = host.memory();
    final Iommu iommu;

    Rig(Iommu.Options options) {
        iommu = new Iommu(memory, host.hostAccount(), options);
    }

    Rig() {
        this(Iommu.Options.defaults());
    }

    Vm vm(VmConfig config) {
        Vm vm = host.createVm(config);
        for (VcpuRunner r : vm.vcpus()) {
            driver.add(r);
        }
        return vm;
    }

    /** A fresh host frame (a page a domain may map). */
    Hpa frame() {
        return memory.allocateFrame(host.hostAccount());
    }
}
