package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.hv.Steppable;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
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
 *
 * <p>Its data path is one queue pair ({@link VfQueuePair}) behind VF BAR 0, whose first page holds
 * only the doorbells and is a host frame ({@link #doorbellPage()}) that the VMM may map into a guest's
 * EPT. The device observes that page when it is stepped ({@link #poll}). Its host side is a
 * {@link FramePort}: {@link #receive} yields what the guest sent, {@link #transmit} delivers to the guest.
 */
public final class VirtualFunction extends PcieFunction implements FramePort, Steppable {
    private final PhysicalFunction pf;
    private final int index;
    private final Bdf routingId;
    private final MmioDevice msixBar;
    private final VfWiring wiring;
    private final Hpa doorbell;
    private final VfQueuePair queues;

    VirtualFunction(PhysicalFunction pf, int index, Bdf routingId, VfWiring wiring) {
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
        msix.setSink(wiring.msiSinkFor(routingId));
        this.wiring = wiring;
        this.doorbell = wiring.memory().allocateFrame(wiring.account());
        this.queues = new VfQueuePair(this, wiring.dmaFor(routingId), wiring.memory(), doorbell, msix);
    }

    /** Called by the PF when VF Enable clears: the queues stop and the doorbell page goes back to the host. */
    void release() {
        queues.release();
        wiring.memory().free(doorbell, PageSize.SIZE_4K, wiring.account());
    }

    /** The region behind this VF's slice of VF BAR 0: the doorbell page, then the trapped registers. */
    public MmioDevice registersBar() {
        return queues;
    }

    /**
     * The host frame holding this VF's doorbell page (offsets 0-FFFh of VF BAR 0). A VMM that assigns
     * the VF maps it at the BAR's guest-physical address in EPT, so doorbell writes never exit.
     */
    public Hpa doorbellPage() {
        return doorbell;
    }

    /** Processes what the doorbells handed over since the last poll; false if there was nothing to do. */
    public boolean poll() {
        return queues.poll();
    }

    @Override
    public boolean step() {
        return poll();
    }

    /** The PF's side of the mailbox: the pending request (acknowledged as it is taken), or null. */
    int[] takeMailboxRequest() {
        return queues.takeMailboxRequest();
    }

    /** The PF's side of the mailbox: a reply, which raises the VF's mailbox cause. */
    void mailboxReply(int[] message) {
        queues.mailboxReply(message);
    }

    /** How many times the VF's driver caused {@code error}. */
    public long errors(VfError error) {
        return queues.errors(error);
    }

    /** MSI-X messages the queues asked for (the MSI-X capability drops those sent while it is disabled). */
    public long interruptsRequested() {
        return queues.interrupts();
    }

    /** Whether the TX ({@code true}) or RX queue is enabled (a stopped queue reads disabled). */
    public boolean queueEnabled(boolean transmit) {
        return queues.queueEnabled(transmit);
    }

    @Override
    public String name() {
        return pf.name() + "v" + index;
    }

    @Override
    public int receive(FrameBatch batch) {
        return queues.takeTransmitted(batch);
    }

    @Override
    public int transmit(FrameBatch batch) {
        return queues.deliver(batch);
    }

    @Override
    public PortCounters counters() {
        return queues.counters();
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        queues.setReceiveListener(listener);
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
