package dev.iovirt.vmm.mem;

/**
 * A {@link DmaMemory} whose 1-, 2-, 4- and 8-byte accesses all go through one read and one write of
 * a sized little-endian value; an implementation says how an address becomes host memory once.
 */
public abstract class SizedDmaMemory implements DmaMemory {
    /** Reads a little-endian value of {@code size} bytes (1, 2, 4 or 8) at guest-physical {@code gpa}, zero-extended. */
    protected abstract long readSized(long gpa, int size);

    /** Writes the low {@code size} bytes (1, 2, 4 or 8) of {@code value} at guest-physical {@code gpa}. */
    protected abstract void writeSized(long gpa, int size, long value);

    @Override
    public int read8(Gpa a) {
        return (int) readSized(a.value(), 1);
    }

    @Override
    public int read16(Gpa a) {
        return (int) readSized(a.value(), 2);
    }

    @Override
    public int read32(Gpa a) {
        return (int) readSized(a.value(), 4);
    }

    @Override
    public long read64(Gpa a) {
        return readSized(a.value(), 8);
    }

    @Override
    public void write8(Gpa a, int v) {
        writeSized(a.value(), 1, v);
    }

    @Override
    public void write16(Gpa a, int v) {
        writeSized(a.value(), 2, v);
    }

    @Override
    public void write32(Gpa a, int v) {
        writeSized(a.value(), 4, v);
    }

    @Override
    public void write64(Gpa a, long v) {
        writeSized(a.value(), 8, v);
    }
}
