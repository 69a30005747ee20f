package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsixCapability;
import dev.iovirt.vmm.pci.PciConfig;

/**
 * One virtual function of a {@link PhysicalFunction}: a lightweight PCIe function that exists only while
 * its PF's VF Enable is set, at the routing ID First VF Offset and VF Stride give it.
 *
 * <p>Its configuration space follows PCIe Base Spec 6.0 §9.3.4: Vendor ID and Device ID read FFFFh
 * (software takes them from the PF's SR-IOV capability), its own BARs read 0 (the PF's VF BARs place
 * every VF's memory), and the command register's I/O and Memory Space Enable are hard-wired to 0 (VF
 * MSE in the PF governs decoding); Bus Master Enable is the VF's own and gates its DMA. It has the PCI
 * Express capability and an MSI-X capability whose table and PBA sit in VF BAR 3.
 */
public final class VirtualFunction extends PcieFunction {
    private final PhysicalFunction pf;
    private final int index;
    private final Bdf routingId;
    private final MmioDevice msixBar;

    VirtualFunction(PhysicalFunction pf, int index, Bdf routingId) {
        super(VF_ID_READS, VF_ID_READS);
        this.pf = pf;
        this.index = index;
        this.routingId = routingId;
        MsixCapability msix = addMsix(VF_MSIX_VECTORS, VF_MSIX_BAR, 0, VF_MSIX_PBA_OFFSET);
        MmioDevice table = msix.tableRegion();
        MmioDevice pba = msix.pbaRegion();
        this.msixBar = new MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                return offset < VF_MSIX_PBA_OFFSET ? table.mmioRead(offset, size) : pba.mmioRead(offset - VF_MSIX_PBA_OFFSET, size);
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
                if (offset < VF_MSIX_PBA_OFFSET) {
                    table.mmioWrite(offset, size, value);
                }
            }
        };
    }

    /** The PF this VF belongs to. */
    public PhysicalFunction physicalFunction() {
        return pf;
    }

    /** This VF's index, 0 for VF 1 (the spec numbers VFs from 1). */
    public int index() {
        return index;
    }

    /** This VF's routing ID: PF routing ID + First VF Offset + index × VF Stride. PCIe Base Spec 6.0 §9.3.3.9-10. */
    public Bdf routingId() {
        return routingId;
    }

    /** Whether Bus Master Enable is set in this VF's command register: it may DMA. */
    public boolean busMaster() {
        return (command() & PciConfig.COMMAND_BUS_MASTER) != 0;
    }

    /** The region behind this VF's slice of VF BAR 3: MSI-X table at 0, PBA at {@link dev.iovirt.sriov.api.SriovRegisters#VF_MSIX_PBA_OFFSET}. */
    public MmioDevice msixBar() {
        return msixBar;
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        if (offset < PciConfig.COMMAND + 2 && offset + size > PciConfig.COMMAND) {
            // §9.3.4.1.3: I/O Space Enable and Memory Space Enable do not apply to VFs and read 0.
            put16(PciConfig.COMMAND, command() & ~(PciConfig.COMMAND_IO | PciConfig.COMMAND_MEMORY));
        }
    }

    @Override
    public String toString() {
        return "VF " + (index + 1) + " of " + pf + " at " + routingId;
    }
}
