package dev.iovirt.vmm.io;

/** A device model's memory-mapped registers, reached from EPT-violation exits on non-RAM addresses. {@code offset} is relative to the region base. */
public interface MmioDevice {
    long mmioRead(long offset, int size);

    void mmioWrite(long offset, int size, long value);

    /**
     * Whether a write at {@code offset} is a doorbell the kernel completes by itself, as KVM's
     * ioeventfd: the exit is handled in the kernel (cheaper, counted as in-kernel) and only signals
     * the device, which must therefore do no more in {@link #mmioWrite} for it than note the kick.
     * Reads are never doorbells.
     */
    default boolean isIoEventFd(long offset) {
        return false;
    }
}
