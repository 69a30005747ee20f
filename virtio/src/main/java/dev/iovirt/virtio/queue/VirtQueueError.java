package dev.iovirt.virtio.queue;

/**
 * Why a virtqueue stopped: each is something a driver broke (a buggy or malicious guest can cause
 * every one of them). The device marks the queue broken and itself DEVICE_NEEDS_RESET (virtio 1.2
 * §2.1.2); nothing else in the host is affected. Each constant's message is what is reported.
 */
public enum VirtQueueError {
    /** The available index moved further than the queue size since the device last looked. */
    AVAIL_IDX_JUMP("the driver moved avail idx further than the queue size"),
    /** A descriptor index is not smaller than the queue size (or the indirect table's length). */
    DESCRIPTOR_INDEX_OUT_OF_RANGE("a descriptor index is outside the descriptor table"),
    /** Following {@code next} visited more descriptors than the table has: a loop. */
    DESCRIPTOR_LOOP("a descriptor chain loops or is longer than the queue (§2.7.5.2)"),
    /** A readable descriptor came after a writable one (§2.7.4.2). */
    READABLE_AFTER_WRITABLE("a device-readable descriptor follows a device-writable one (§2.7.4.2)"),
    /** INDIRECT without the feature, INDIRECT together with NEXT, or an indirect table inside one (§2.7.5.3.1). */
    BAD_INDIRECT("an indirect descriptor breaks §2.7.5.3.1 (feature, NEXT, nesting or table length)"),
    /** The buffer lengths of a chain add up to more than 4 GiB. */
    LENGTH_OVERFLOW("the buffer lengths of a chain overflow 32 bits"),
    /** A ring or a descriptor table lies (partly) outside guest memory. */
    RING_OUT_OF_MEMORY("a ring or descriptor table is outside guest memory"),
    /** A buffer the device must read or write lies outside guest memory. */
    BUFFER_OUT_OF_MEMORY("a buffer address is outside guest memory"),
    /** The device needs a writable buffer (e.g. to receive) and the chain has only readable ones, or the reverse. */
    WRONG_BUFFER_DIRECTION("the chain lacks the device-writable (or -readable) buffers this queue needs"),
    /** A used element names a head the device never popped, or the device used more than it popped. */
    USED_WITHOUT_POP("a used buffer was not available");

    private final String message;

    VirtQueueError(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
