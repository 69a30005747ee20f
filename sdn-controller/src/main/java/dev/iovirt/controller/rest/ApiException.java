package dev.iovirt.controller.rest;

/**
 * A request the API refuses: its HTTP status, the message the client reads, and the request field
 * at fault (a path such as {@code match.nw_src}), or null.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The HTTP status code. */
    private final int status;
    /** The field at fault, or null. */
    private final String field;

    public ApiException(int status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
