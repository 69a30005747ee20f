package dev.iovirt.vmm.io;

/** A device model's memory-mapped registers, reached from EPT-violation exits on non-RAM addresses. {@code offset} is relative to the region base. */
public interface MmioDevice {
    long mmioRead(long offset, int size);

    void mmioWrite(long offset, int size, long value);
}
