package dev.iovirt.virtio.queue;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;

/**
 * A queue's ring accesses through the device's DMA view: an access the DMA view refuses (outside
 * guest memory, or outside the device's IOMMU domain) breaks the queue with
 * {@link VirtQueueError#RING_OUT_OF_MEMORY} instead of reaching the device as an exception it did
 * not expect.
 */
final class RingMemory {
    /** Marks the queue broken and throws (each queue's own {@code fail}). */
    @FunctionalInterface
    interface Breaker {
        void fail(VirtQueueError error, String detail) throws VirtQueueException;
    }

    private final DmaMemory mem;
    private final Breaker breaker;

    RingMemory(DmaMemory mem, Breaker breaker) {
        this.mem = mem;
        this.breaker = breaker;
    }

    int read16(long gpa) throws VirtQueueException {
        try {
            return mem.read16(Gpa.of(gpa));
        } catch (DmaFaultException e) {
            breaker.fail(VirtQueueError.RING_OUT_OF_MEMORY, e.getMessage());
            return 0;
        }
    }

    int read32(long gpa) throws VirtQueueException {
        try {
            return mem.read32(Gpa.of(gpa));
        } catch (DmaFaultException e) {
            breaker.fail(VirtQueueError.RING_OUT_OF_MEMORY, e.getMessage());
            return 0;
        }
    }

    long read64(long gpa) throws VirtQueueException {
        try {
            return mem.read64(Gpa.of(gpa));
        } catch (DmaFaultException e) {
            breaker.fail(VirtQueueError.RING_OUT_OF_MEMORY, e.getMessage());
            return 0;
        }
    }

    void write16(long gpa, int v) throws VirtQueueException {
        try {
            mem.write16(Gpa.of(gpa), v);
        } catch (DmaFaultException e) {
            breaker.fail(VirtQueueError.RING_OUT_OF_MEMORY, e.getMessage());
        }
    }

    void write32(long gpa, int v) throws VirtQueueException {
        try {
            mem.write32(Gpa.of(gpa), v);
        } catch (DmaFaultException e) {
            breaker.fail(VirtQueueError.RING_OUT_OF_MEMORY, e.getMessage());
        }
    }
}
