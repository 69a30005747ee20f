package dev.iovirt.guest;

/**
 * Thrown by the kernel's fault handlers to abandon the task that faulted (the kernel does not return
 * to the faulting instruction), caught by the run loop, which records it and goes on.
 */
public final class GuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestFault(String message) {
        super(message, null, false, false);
    }
}
