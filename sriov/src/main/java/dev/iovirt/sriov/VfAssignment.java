package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.iommu.DmaPermission;
import dev.iovirt.iommu.Domain;
import dev.iovirt.iommu.InterruptRemapper;
import dev.iovirt.iommu.Iommu;
import dev.iovirt.iommu.MsiMessage;
import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.cpu.Vcpu;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.hv.VcpuRunner;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsixCapability;
import dev.iovirt.vmm.pci.PciConfig;

/**
 * Assignment of a VF to a VM, as VFIO and KVM do it:
 *
 * <ol>
 *   <li><b>DMA</b>: a new IOMMU domain maps the VM's whole guest-physical RAM (IOVA = GPA, pinned), and
 *       the VF's routing ID is attached to it, so the guest driver programs guest-physical addresses
 *       and the VF can reach nothing else ({@link Iommu#mapGuestMemory}).
 *   <li><b>Config space</b>: the guest sees an emulated function ({@link #function()}, QEMU's
 *       vfio-pci): Vendor/Device 8086:154C (the PF's VF Device ID; the VF itself reads FFFFh), BAR 0 and
 *       BAR 3 as 64-bit memory BARs, the PCIe capability and an emulated MSI-X capability. Bus Master
 *       Enable is passed through to the VF.
 *   <li><b>Doorbells</b>: the first page of BAR 0 is mapped in the VM's EPT onto the VF's doorbell
 *       page, wherever the guest places BAR 0 (re-mapped, with INVEPT, when it moves it), so a tail
 *       write is a plain store — no exit. The rest of BAR 0 (ring setup) traps to the VF's registers.
 *   <li><b>Interrupts</b>: the guest programs compatibility-format MSI-X messages (APIC ID, vector)
 *       into the emulated table; each unmasked entry gets a posted-format IRTE that names the vCPU with
 *       that APIC ID, and the VF's real MSI-X entry is programmed with the remappable message for it, so
 *       the VF's interrupt sets the vCPU's PIR without an exit (KVM's irq bypass with VT-d posting).
 * </ol>
 *
 * <p>The host must have set the IOMMU's posted-interrupt target to a
 * {@link dev.iovirt.iommu.VmPostedInterrupts} with this VM registered.
 *
 * <p>If the host clears VF Enable under an assigned VF, the doorbell page leaves the guest's EPT (with
 * INVEPT) before it returns to the host, and the VF's registers read all ones.
 *
 * <p>Not built yet: unassignment (the VM's {@code PciBus} cannot detach a function), MSI-X entries with
 * lowest-priority or logical destinations (they stay masked), the PBA of the emulated table.
 */
public final class VfAssignment {
    private final VirtualFunction vf;
    private final Vm vm;
    private final Iommu iommu;
    private final Domain domain;
    private final AssignedFunction function;
    private final Bdf guestBdf;
    /** The GPA the doorbell page is mapped at in EPT (0: not mapped). */
    private long doorbellGpa;
    /** Per MSI-X entry: the guest's address and data last programmed into an IRTE, and that IRTE's index (-1: none). */
    private final long[] programmedAddress = new long[VF_MSIX_VECTORS];
    private final int[] programmedData = new int[VF_MSIX_VECTORS];
    private final int[] irte = new int[VF_MSIX_VECTORS];
    private long postedEntriesProgrammed;

    private VfAssignment(VirtualFunction vf, Vm vm, Iommu iommu, int slot, long bar0Gpa, long bar3Gpa) {
        this.vf = vf;
        this.vm = vm;
        this.iommu = iommu;
        java.util.Arrays.fill(irte, -1);
        this.domain = iommu.createDomain();
        iommu.mapGuestMemory(domain, vm.memory(), DmaPermission.READ_WRITE);
        iommu.attach(vf.routingId(), domain);
        this.function = new AssignedFunction();
        vf.physicalFunction().addListener(new PhysicalFunction.VfListener() {
            @Override
            public void vfCreated(VirtualFunction created) {
            }

            @Override
            public void vfRemoved(VirtualFunction removed) {
                if (removed == vf) {
                    vfRemovedUnderUs();
                }
            }
        });
        this.guestBdf = vm.pciBus().attach(slot, 0, function);
        // Place the BARs as firmware would, then enable memory decoding; the guest may move them later.
        function.configWrite(PciConfig.BAR0 + 4 * VF_REGS_BAR, 4, (int) bar0Gpa);
        function.configWrite(PciConfig.BAR0 + 4 * VF_REGS_BAR + 4, 4, (int) (bar0Gpa >>> 32));
        function.configWrite(PciConfig.BAR0 + 4 * VF_MSIX_BAR, 4, (int) bar3Gpa);
        function.configWrite(PciConfig.BAR0 + 4 * VF_MSIX_BAR + 4, 4, (int) (bar3Gpa >>> 32));
        function.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_MEMORY);
    }

    /**
     * Assigns {@code vf} to {@code vm} as device {@code slot} of its PCI bus, with BAR 0 at {@code bar0Gpa}
     * and BAR 3 at {@code bar3Gpa} (guest-physical, in the MMIO hole, aligned to their sizes).
     */
    public static VfAssignment assign(VirtualFunction vf, Vm vm, Iommu iommu, int slot, long bar0Gpa, long bar3Gpa) {
        return new VfAssignment(vf, vm, iommu, slot, bar0Gpa, bar3Gpa);
    }

    /** The function the guest sees on its PCI bus. */
    public dev.iovirt.vmm.pci.PciFunction function() {
        return function;
    }

    /** Where the function sits on the guest's bus. */
    public Bdf guestBdf() {
        return guestBdf;
    }

    /** The IOMMU domain that maps the VM's memory for the VF. */
    public Domain domain() {
        return domain;
    }

    /** The GPA at which the doorbell page is mapped in the VM's EPT, or 0. */
    public synchronized long doorbellGpa() {
        return doorbellGpa;
    }

    /** How many posted-format IRTEs the guest's MSI-X programming has produced. */
    public synchronized long postedEntriesProgrammed() {
        return postedEntriesProgrammed;
    }

    /** The IRTE index behind MSI-X entry {@code entry}, or -1. */
    public synchronized int irteIndex(int entry) {
        return irte[entry];
    }

    /**
     * The host cleared VF Enable while the VF was assigned: the guest loses the doorbell mapping before
     * the page goes back to the host (the VF's registers then read all ones, as a surprise-removed device).
     */
    private synchronized void vfRemovedUnderUs() {
        gone = true;
        unmapDoorbell();
    }

    /** Whether the VF disappeared (VF Enable cleared) while assigned. */
    public synchronized boolean vfGone() {
        return gone;
    }

    private boolean gone;

    private void unmapDoorbell() {
        if (doorbellGpa != 0) {
            vm.ept().unmap(Gpa.of(doorbellGpa));
            for (VcpuRunner r : vm.vcpus()) {
                r.vcpu().invept(Vcpu.INVEPT_SINGLE_CONTEXT, vm.eptp());
            }
            doorbellGpa = 0;
        }
    }

    private synchronized void remapDoorbell() {
        if (gone) {
            return;
        }
        long base = function.barAddress(VF_REGS_BAR);
        boolean probing = (base | (VF_REGS_SIZE - 1)) == -1L || (base >>> 32) == 0xFFFF_FFFFL;
        long target = (function.command() & PciConfig.COMMAND_MEMORY) != 0 && base != 0 && !probing ? base : 0;
        if (target == doorbellGpa) {
            return;
        }
        unmapDoorbell();
        if (target != 0) {
            // A new mapping needs no INVEPT: not-present EPT entries are never cached.
            vm.ept().map(Gpa.of(target), vf.doorbellPage(), PageSize.SIZE_4K, EptEntry.READ | EptEntry.WRITE);
        }
        doorbellGpa = target;
    }

    /** Re-derives the VF's real MSI-X entries (and their IRTEs) from the guest's emulated table. */
    private synchronized void syncMsix() {
        MsixCapability emulated = function.msix();
        MmioDevice table = emulated.tableRegion();
        int control = function.configRead(emulated.capabilityOffset() + PciConfig.MSIX_MESSAGE_CONTROL, 2);
        boolean on = (control & PciConfig.MSIX_CONTROL_ENABLE) != 0 && (control & PciConfig.MSIX_CONTROL_FUNCTION_MASK) == 0;
        InterruptRemapper remapper = iommu.interruptRemapper();
        for (int e = 0; e < VF_MSIX_VECTORS; e++) {
            long o = (long) e * PciConfig.MSIX_ENTRY_SIZE;
            long address = (table.mmioRead(o, 4) & 0xFFFF_FFFFL) | table.mmioRead(o + 4, 4) << 32;
            int data = (int) table.mmioRead(o + 8, 4);
            boolean masked = !on || (table.mmioRead(o + 12, 4) & PciConfig.MSIX_ENTRY_VECTOR_CONTROL_MASKED) != 0;
            VcpuRunner target = masked ? null : destination(address, data);
            if (target == null) {
                if (irte[e] >= 0) {
                    vf.msixBar().mmioWrite(o + 12, 4, PciConfig.MSIX_ENTRY_VECTOR_CONTROL_MASKED);
                    remapper.free(irte[e]);
                    irte[e] = -1;
                }
                continue;
            }
            if (irte[e] >= 0 && programmedAddress[e] == address && programmedData[e] == data) {
                continue;
            }
            if (irte[e] >= 0) {
                remapper.free(irte[e]);
            }
            MsiMessage m = remapper.post(vf.routingId(), target, Msi.decode(address, data).vector());
            irte[e] = InterruptRemapper.indexOf(m);
            programmedAddress[e] = address;
            programmedData[e] = data;
            postedEntriesProgrammed++;
            vf.msixBar().mmioWrite(o, 4, m.address() & 0xFFFF_FFFFL);
            vf.msixBar().mmioWrite(o + 4, 4, m.address() >>> 32);
            vf.msixBar().mmioWrite(o + 8, 4, m.data());
            vf.msixBar().mmioWrite(o + 12, 4, 0);
        }
        vf.configWrite(vf.msix().capabilityOffset() + PciConfig.MSIX_MESSAGE_CONTROL, 2, on ? PciConfig.MSIX_CONTROL_ENABLE : 0);
    }

    /** The vCPU a compatibility-format, fixed, physical-destination message names; null for anything else. */
    private VcpuRunner destination(long address, int data) {
        if (!Msi.isInterruptAddress(address)) {
            return null;
        }
        Msi msi = Msi.decode(address, data);
        if (msi.deliveryMode() != Msi.DELIVERY_FIXED || msi.logical() || msi.vector() < 16) {
            return null;
        }
        for (VcpuRunner r : vm.vcpus()) {
            if (r.lapic().apicId() == msi.destinationId()) {
                return r;
            }
        }
        return null;
    }

    /** The VFIO-emulated configuration space the guest sees. */
    private final class AssignedFunction extends PcieFunction {
        AssignedFunction() {
            super(VENDOR_INTEL, vf.physicalFunction().configRead(
                    vf.physicalFunction().sriovCapabilityOffset() + SRIOV_VF_DEVICE_ID, 2));
            MsixCapability msix = addMsix(VF_MSIX_VECTORS, VF_MSIX_BAR, 0, VF_MSIX_PBA_OFFSET);
            MmioDevice table = msix.tableRegion();
            MmioDevice pba = msix.pbaRegion();
            memoryBar64(VF_REGS_BAR, VF_REGS_SIZE, false, vf.registersBar());
            memoryBar64(VF_MSIX_BAR, VF_MSIX_SIZE, false, new MmioDevice() {
                @Override
                public long mmioRead(long offset, int size) {
                    return offset < VF_MSIX_PBA_OFFSET ? table.mmioRead(offset, size) : pba.mmioRead(offset - VF_MSIX_PBA_OFFSET, size);
                }

                @Override
                public void mmioWrite(long offset, int size, long value) {
                    if (offset < VF_MSIX_PBA_OFFSET) {
                        table.mmioWrite(offset, size, value);
                        syncMsix();
                    }
                }
            });
        }

        @Override
        protected void configWritten(int offset, int size, int value) {
            if (offset < PciConfig.COMMAND + 2 && offset + size > PciConfig.COMMAND) {
                vf.configWrite(PciConfig.COMMAND, 2, command() & PciConfig.COMMAND_BUS_MASTER);
            }
            if (offset < PciConfig.BAR0 + 4 * (VF_REGS_BAR + 2) && offset + size > PciConfig.COMMAND) {
                remapDoorbell();
            }
            int cap = msix().capabilityOffset();
            if (offset < cap + 4 && offset + size > cap + PciConfig.MSIX_MESSAGE_CONTROL) {
                syncMsix();
            }
        }
    }
}
