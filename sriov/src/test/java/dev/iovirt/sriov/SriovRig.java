package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.iommu.Iommu;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.time.VirtualClock;

/** A host with an IOMMU and an SR-IOV PF at 00:04.0 whose VFs are wired through that IOMMU. */
public final class SriovRig {
    static final Bdf PF_RID = Bdf.of(0, 4, 0);

    public final VirtualClock clock = new VirtualClock();
    final Host host = new Host(1L << 30, clock);
    final HostMemory memory = host.memory();
    final Iommu iommu = new Iommu(memory, host.hostAccount(), Iommu.Options.defaults());
    final MemoryAccount nicAccount = new MemoryAccount("sriov nic");
    public final PhysicalFunction pf = new PhysicalFunction("enp0s4f0", PF_RID, VfWiring.iommu(iommu, nicAccount));

    /** Enables {@code n} VFs the way a PF driver does: NumVFs, then VF Enable and VF MSE. */
    public void enableVfs(int n) {
        int cap = pf.sriovCapabilityOffset();
        pf.configWrite(cap + SRIOV_NUM_VFS, 2, n);
        pf.configWrite(cap + SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
    }

    /** A fresh host frame. */
    Hpa frame() {
        return memory.allocateFrame(host.hostAccount());
    }
}
