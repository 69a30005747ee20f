package dev.iovirt.vmm.mem;

/**
 * {@link DmaMemory} without an IOMMU: guest-physical addresses go straight to the VM's memory slots
 * (backing untouched RAM on first touch, as the host kernel would fault the page in). This is what an
 * emulated device in the VMM process gets: it can reach all of its own VM's RAM and nothing else.
 */
public final class DirectDmaMemory extends SizedDmaMemory {
    private final GuestPhysicalMemory memory;
    private final HostMemory host;

    public DirectDmaMemory(GuestPhysicalMemory memory) {
        this.memory = memory;
        this.host = memory.host();
    }

    private long hpa(long gpa, int len, boolean write) {
        MemorySlot slot = memory.slotFor(gpa);
        if (slot == null || !slot.contains(gpa + len - 1)) {
            throw new DmaFaultException("DMA of " + len + " bytes at GPA 0x" + Long.toHexString(gpa) + " is outside guest RAM");
        }
        if (write && slot.readOnly()) {
            throw new DmaFaultException("DMA write to read-only GPA 0x" + Long.toHexString(gpa));
        }
        return slot.translate(gpa);
    }

    @Override
    public void read(Gpa address, byte[] dst, int off, int len) {
        long gpa = address.value();
        while (len > 0) {
            int chunk = (int) Math.min(len, HostMemory.FRAME_SIZE - (gpa & (HostMemory.FRAME_SIZE - 1)));
            host.read(hpa(gpa, chunk, false), dst, off, chunk);
            gpa += chunk;
            off += chunk;
            len -= chunk;
        }
    }

    @Override
    public void write(Gpa address, byte[] src, int off, int len) {
        long gpa = address.value();
        while (len > 0) {
            int chunk = (int) Math.min(len, HostMemory.FRAME_SIZE - (gpa & (HostMemory.FRAME_SIZE - 1)));
            host.write(hpa(gpa, chunk, true), src, off, chunk);
            gpa += chunk;
            off += chunk;
            len -= chunk;
        }
    }

    private static boolean crosses(long gpa, int size) {
        return (gpa & (HostMemory.FRAME_SIZE - 1)) + size > HostMemory.FRAME_SIZE;
    }

    @Override
    protected long readSized(long gpa, int size) {
        if (crosses(gpa, size)) {
            byte[] b = new byte[size];
            read(new Gpa(gpa), b, 0, size);
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | (b[i] & 0xFF);
            }
            return v;
        }
        return host.readSized(hpa(gpa, size, false), size);
    }

    @Override
    protected void writeSized(long gpa, int size, long v) {
        if (crosses(gpa, size)) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            write(new Gpa(gpa), b, 0, size);
            return;
        }
        host.writeSized(hpa(gpa, size, true), size, v);
    }
}
