package dev.iovirt.controller.openflow;

/** A request to a switch got no reply within the request timeout. */
public final class RequestTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        super(message);
    }
}
