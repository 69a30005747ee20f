package dev.iovirt.platform.run;

import static dev.iovirt.sriov.api.SriovRegisters.SRIOV_CONTROL;
import static dev.iovirt.sriov.api.SriovRegisters.SRIOV_CTRL_VF_ENABLE;
import static dev.iovirt.sriov.api.SriovRegisters.SRIOV_CTRL_VF_MSE;
import static dev.iovirt.sriov.api.SriovRegisters.SRIOV_NUM_VFS;

import dev.iovirt.iommu.Iommu;
import dev.iovirt.iommu.IommuStats;
import dev.iovirt.iommu.VmPostedInterrupts;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.sriov.EmbeddedSwitch;
import dev.iovirt.sriov.PfMailbox;
import dev.iovirt.sriov.PhysicalFunction;
import dev.iovirt.sriov.VfAssignment;
import dev.iovirt.sriov.VfWiring;
import dev.iovirt.sriov.VirtualFunction;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.Steppable;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.function.BiConsumer;

/**
 * A hypervisor's SR-IOV NIC in a run: the host's VT-d unit with posted interrupts, an X710-class PF
 * at 00:04.0 with {@code vfs} VFs enabled the way a PF driver enables them, its embedded switch,
 * the PF driver's mailbox end, and the NIC's uplink joined to the hypervisor's switch by a patch
 * cable (the wire of the NIC is the switch's port {@code HOST-pf0}).
 */
final class SriovNic {
    /** Guest-physical addresses of an assigned VF's BAR 0 and BAR 3 (in the MMIO hole below 4 GiB). */
    static final long VF_BAR0_GPA = 0xE000_0000L;
    static final long VF_BAR3_GPA = 0xE001_0000L;

    private final Iommu iommu;
    private final VmPostedInterrupts posted;
    private final PhysicalFunction pf;
    private final EmbeddedSwitch veb;
    private final PatchCable uplink;
    private int next;

    SriovNic(String host, int vfs, Host machine, VirtualClock clock, BiConsumer<String, Steppable> parts) {
        iommu = new Iommu(machine.memory(), machine.hostAccount(), Iommu.Options.defaults());
        posted = new VmPostedInterrupts(machine.memory());
        iommu.setPostedInterruptTarget(posted);
        pf = new PhysicalFunction(host + "-pf0", Bdf.of(0, 4, 0), VfWiring.iommu(iommu, new MemoryAccount(host + " sriov nic")));
        int cap = pf.sriovCapabilityOffset();
        pf.configWrite(cap + SRIOV_NUM_VFS, 2, vfs);
        pf.configWrite(cap + SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
        uplink = new PatchCable(host + "-pf0.wire", host + "-pf0");
        veb = new EmbeddedSwitch(pf, uplink.a(), clock);
        parts.accept("nic " + host + "-pf0 embedded switch", veb);
        parts.accept("nic " + host + "-pf0 mailbox", new PfMailbox(pf, veb));
    }

    /** The counters of the host's VT-d unit (DMA translations, IOTLB, interrupt remapping and posting). */
    IommuStats iommuStats() {
        return iommu.stats();
    }

    /** The NIC's side of the uplink, for the hypervisor's switch. */
    FramePort switchPort() {
        return uplink.b();
    }

    /** Mirrors {@code vf}'s frames, both ways, to {@code mirror} (the embedded switch's per-VF mirror; null removes it). */
    void mirror(VirtualFunction vf, EmbeddedSwitch.Mirror mirror) {
        veb.setMirror(vf, mirror);
    }

    /**
     * Gives the next VF the MAC {@code mac} (the host's {@code ip link set PF vf N mac}) and assigns it
     * to {@code vm} at 00:{@code slot}.0; the VM must run with APICv for posted interrupts.
     */
    VirtualFunction assign(Vm vm, MacAddress mac, int slot) {
        VirtualFunction vf = pf.virtualFunctions().get(next++);
        posted.register(vm);
        veb.setMac(vf, mac);
        VfAssignment.assign(vf, vm, iommu, slot, VF_BAR0_GPA, VF_BAR3_GPA);
        return vf;
    }
}
