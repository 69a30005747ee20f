package dev.iovirt.virtio.queue;

/** A virtqueue broke because of what the driver wrote; carries the {@link VirtQueueError}. */
public final class VirtQueueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final VirtQueueError error;

    public VirtQueueException(VirtQueueError error, String detail) {
        super(error.message() + (detail == null ? "" : ": " + detail), null, false, false);
        this.error = error;
    }

    public VirtQueueError error() {
        return error;
    }
}
