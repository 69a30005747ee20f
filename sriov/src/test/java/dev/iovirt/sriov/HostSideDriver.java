package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.VfDescriptors.*;
import static dev.iovirt.sriov.api.VfRegisters.*;

import dev.iovirt.iommu.DmaPermission;
import dev.iovirt.iommu.Domain;
import dev.iovirt.iommu.Iova;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A VF driver for tests that runs on the host side "from the perspective of the driver" (as
 * virtio-queue's MockSplitQueue): rings and buffers in a 2 MiB region its own IOMMU domain maps,
 * descriptors written byte by byte, doorbells stored into the doorbell page, completions read from DD bits.
 */
public final class HostSideDriver {
    static final long IOVA = 0x20_0000;
    static final int RING = 64;
    private static final long TX_RING = IOVA;
    private static final long RX_RING = IOVA + 0x1000;
    private static final long TX_BUFFERS = IOVA + 0x1_0000;
    private static final long RX_BUFFERS = IOVA + 0x8_0000;

    private final VirtualFunction vf;
    private final HostMemory memory;
    private final Hpa region;
    private int txTail;
    private int rxNext;
    private int rxTail;

    public HostSideDriver(SriovRig rig, VirtualFunction vf) {
        this.vf = vf;
        this.memory = rig.memory;
        this.region = rig.memory.allocatePage(PageSize.SIZE_2M, rig.host.hostAccount());
        Domain d = rig.iommu.createDomain();
        rig.iommu.map(d, Iova.of(IOVA), region, PageSize.SIZE_2M.bytes, DmaPermission.READ_WRITE);
        rig.iommu.attach(vf.routingId(), d);
        vf.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_BUS_MASTER);
        reg(TDBAL, (int) TX_RING);
        reg(TDLEN, RING * SIZE);
        reg(TXDCTL, QUEUE_ENABLE);
        reg(RDBAL, (int) RX_RING);
        reg(RDLEN, RING * SIZE);
        reg(RXDCTL, QUEUE_ENABLE);
        for (int i = 0; i < RING - 1; i++) {
            postRx();
        }
    }

    private void reg(int offset, int value) {
        vf.registersBar().mmioWrite(offset, 4, value);
    }

    private long hpa(long iova) {
        return region.value() + (iova - IOVA);
    }

    private void postRx() {
        long d = hpa(RX_RING + (long) rxTail * SIZE);
        memory.write64(d + ADDRESS, RX_BUFFERS + (long) rxTail * 2048);
        memory.write64(d + RX_STATUS, 0);
        rxTail = (rxTail + 1) % RING;
        memory.write32(vf.doorbellPage().value() + RX_TAIL, rxTail);
    }

    /** Queues {@code frame} on the TX ring and rings the doorbell. */
    public void send(byte[] frame) {
        long buffer = TX_BUFFERS + (long) txTail * 2048;
        memory.write(hpa(buffer), frame, 0, frame.length);
        long d = hpa(TX_RING + (long) txTail * SIZE);
        memory.write64(d + ADDRESS, buffer);
        memory.write32(d + TX_CMD_TYPE_LEN, frame.length | TX_DTYP_DATA | TX_DCMD_DEXT | TX_DCMD_EOP | TX_DCMD_RS);
        memory.write32(d + TX_OLINFO_STATUS, 0);
        txTail = (txTail + 1) % RING;
        memory.write32(vf.doorbellPage().value() + TX_TAIL, txTail);
    }

    /** Frames the VF wrote into posted buffers since the last call; each buffer is re-posted. */
    public List<byte[]> received() {
        List<byte[]> frames = new ArrayList<>();
        while (true) {
            long d = hpa(RX_RING + (long) rxNext * SIZE);
            if ((memory.read32(d + RX_STATUS) & RX_STAT_DD) == 0) {
                return frames;
            }
            int length = memory.read32(d + RX_LENGTH_VLAN) & 0xFFFF;
            byte[] f = new byte[length];
            memory.read(hpa(RX_BUFFERS + (long) rxNext * 2048), f, 0, length);
            frames.add(f);
            rxNext = (rxNext + 1) % RING;
            postRx();
        }
    }
}
