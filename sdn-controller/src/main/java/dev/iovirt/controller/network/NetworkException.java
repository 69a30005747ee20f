package dev.iovirt.controller.network;

/** A network change refused: no such thing, or it conflicts with what is there; names the field at fault. */
public final class NetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        NOT_FOUND,
        CONFLICT,
        INVALID
    }

    private final Kind kind;
    private final String field;

    public NetworkException(Kind kind, String message, String field) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
