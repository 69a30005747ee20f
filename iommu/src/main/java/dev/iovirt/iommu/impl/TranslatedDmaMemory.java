package dev.iovirt.iommu.impl;

import dev.iovirt.iommu.FaultReason;
import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.SizedDmaMemory;

/**
 * {@link DmaMemory} through the IOMMU: every access is a DMA request from one source-id, translated
 * page by page by the {@link RemappingUnit}. A device model cannot tell it from
 * {@link dev.iovirt.vmm.mem.DirectDmaMemory}; the address it hands in is its bus address (the IOVA,
 * which for a device assigned to a VM is a guest-physical address, hence the {@link Gpa} type of the
 * interface).
 *
 * <p>A blocked request is recorded by the unit and surfaces as {@link DmaFaultException}, as a bad
 * address does without an IOMMU. Invariant: a write that faults on any of its pages writes nothing —
 * every page is translated before the first byte moves, and the whole access runs inside one DMA
 * window of the unit ({@link RemappingUnit#beginDma}), so no invalidation completes between the check
 * and the copy.
 *
 * <p>A DWORD write to 0xFEExxxxx is an interrupt request, not a memory write (VT-d §3.14 and §5.1:
 * the interrupt address range is never translated): it goes to interrupt remapping with this
 * device's source-id.
 */
public final class TranslatedDmaMemory extends SizedDmaMemory {
    private final RemappingUnit unit;
    private final HostMemory host;
    private final int sourceId;

    public TranslatedDmaMemory(RemappingUnit unit, int sourceId) {
        this.unit = unit;
        this.host = unit.memory();
        this.sourceId = sourceId;
    }

    /** The requester id this memory's requests carry. */
    public int sourceId() {
        return sourceId;
    }

    private long hpa(long iova, int len, int access) {
        long t = unit.translate(sourceId, iova, access);
        if (RemappingUnit.blocked(t)) {
            FaultReason r = FaultReason.of((int) -t);
            throw new DmaFaultException("DMA " + (access == RemappingUnit.WRITE ? "write" : "read") + " of " + len + " bytes at IOVA 0x"
                    + Long.toHexString(iova) + " blocked by the IOMMU: " + (r == null ? "fault " + -t : r.description));
        }
        if (!host.contains(t) || !host.contains(t + len - 1)) {
            throw new DmaFaultException("DMA at IOVA 0x" + Long.toHexString(iova) + " reaches no host memory (HPA 0x" + Long.toHexString(t) + ")");
        }
        return t;
    }

    private static int chunk(long addr, int len) {
        return (int) Math.min(len, HostMemory.FRAME_SIZE - (addr & (HostMemory.FRAME_SIZE - 1)));
    }

    @Override
    public void read(Gpa address, byte[] dst, int off, int len) {
        long stamp = unit.beginDma();
        try {
            readBytes(address.value(), dst, off, len);
        } finally {
            unit.endDma(stamp);
        }
    }

    private void readBytes(long a, byte[] dst, int off, int len) {
        while (len > 0) {
            int c = chunk(a, len);
            host.read(hpa(a, c, RemappingUnit.READ), dst, off, c);
            a += c;
            off += c;
            len -= c;
        }
    }

    /** Translates every page of a write first, so that a faulting write writes nothing. */
    private void checkWritable(long a, int len) {
        while (len > 0) {
            int c = chunk(a, len);
            hpa(a, c, RemappingUnit.WRITE);
            a += c;
            len -= c;
        }
    }

    @Override
    public void write(Gpa address, byte[] src, int off, int len) {
        long stamp = unit.beginDma();
        try {
            writeBytes(address.value(), src, off, len);
        } finally {
            unit.endDma(stamp);
        }
    }

    private void writeBytes(long a, byte[] src, int off, int len) {
        if (chunk(a, len) < len) {
            checkWritable(a, len);
        }
        while (len > 0) {
            int c = chunk(a, len);
            host.write(hpa(a, c, RemappingUnit.WRITE), src, off, c);
            a += c;
            off += c;
            len -= c;
        }
    }

    @Override
    protected long readSized(long a, int size) {
        long stamp = unit.beginDma();
        try {
            return readSmallInWindow(a, size);
        } finally {
            unit.endDma(stamp);
        }
    }

    @Override
    protected void writeSized(long a, int size, long v) {
        long stamp = unit.beginDma();
        try {
            writeSmallInWindow(a, size, v);
        } finally {
            unit.endDma(stamp);
        }
    }

    private long readSmallInWindow(long a, int size) {
        if (chunk(a, size) < size) {
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | host.read8(hpa(a + i, 1, RemappingUnit.READ));
            }
            return v;
        }
        return host.readSized(hpa(a, size, RemappingUnit.READ), size);
    }

    private void writeSmallInWindow(long a, int size, long v) {
        if (chunk(a, size) < size) {
            checkWritable(a, size);
            for (int i = 0; i < size; i++) {
                host.write8(hpa(a + i, 1, RemappingUnit.WRITE), (int) (v >>> (8 * i)));
            }
            return;
        }
        host.writeSized(hpa(a, size, RemappingUnit.WRITE), size, v);
    }

    @Override
    public void write32(Gpa a, int v) {
        if (Msi.isInterruptAddress(a.value())) {
            unit.interrupt(sourceId, a.value(), v); // an MSI: a blocked one is silent to the device (a posted write)
            return;
        }
        super.write32(a, v);
    }
}
