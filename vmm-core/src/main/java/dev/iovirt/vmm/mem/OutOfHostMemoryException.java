package dev.iovirt.vmm.mem;

/** The host frame pool has no frame for a request: the host is overcommitted. Never caused by one guest alone when per-VM limits are set. */
public final class OutOfHostMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutOfHostMemoryException(String message) {
        super(message);
    }
}
