package dev.iovirt.controller.openflow;

/** The switch's connection closed before a request to it was answered. */
public final class SwitchDisconnectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SwitchDisconnectedException(String message) {
        super(message);
    }
}
