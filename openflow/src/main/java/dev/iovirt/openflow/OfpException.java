package dev.iovirt.openflow;

import java.util.Arrays;

/**
 * A message that cannot be decoded or a value that cannot be encoded, with the OFPT_ERROR the spec
 * prescribes for it. The decoder throws nothing else; {@link #toErrorMessage()} is the answer the
 * receiver sends back (OF 1.3.5 §7.4.4: its data is at least the first 64 bytes of the offending
 * message).
 *
 * <p>An exception is <em>fatal</em> when the stream cannot be resynchronised (a header whose length
 * is below 8 bytes): the receiver answers it and closes the connection. Any other exception leaves
 * the stream intact and the connection must survive it. Stack traces are not captured, since a peer
 * can cause these at will.
 */
public final class OfpException extends Exception {
    /** How many bytes of the offending message an error carries back (OF 1.3.5 §7.4.4). */
    public static final int OFFENDING_BYTES = 64;

    private final ErrorCode code;
    private final int xid;
    private final byte[] offending;
    private final boolean fatal;

    /** An error found while parsing a part of a message; the codec adds the xid and the bytes. */
    public OfpException(ErrorCode code, String detail) {
        this(code, detail, 0, new byte[0], false);
    }

    private OfpException(ErrorCode code, String detail, int xid, byte[] offending, boolean fatal) {
        super(code + ": " + detail, null, false, false);
        this.code = code;
        this.xid = xid;
        this.offending = offending;
        this.fatal = fatal;
    }

    /** This error, placed in the message with {@code xid} whose first bytes are {@code offending}. */
    public OfpException in(int xid, byte[] offending, boolean fatal) {
        byte[] data = offending.length <= OFFENDING_BYTES ? offending : Arrays.copyOf(offending, OFFENDING_BYTES);
        return new OfpException(code, detailOf(getMessage()), xid, data, fatal);
    }

    private static String detailOf(String message) {
        int i = message.indexOf(": ");
        return i < 0 ? message : message.substring(i + 2);
    }

    /** The spec's type and code for this error. */
    public ErrorCode code() {
        return code;
    }

    /** What exactly was wrong, for logs. */
    public String detail() {
        return detailOf(getMessage());
    }

    /** The xid of the offending message (0 when the header could not be read). */
    public int xid() {
        return xid;
    }

    /** At most the first {@value #OFFENDING_BYTES} bytes of the offending message. */
    public byte[] offending() {
        return offending.clone();
    }

    /** True if the connection cannot continue after this error. */
    public boolean isFatal() {
        return fatal;
    }

    /** The OFPT_ERROR to send back. */
    public OfpError toErrorMessage() {
        return OfpError.of(xid, code, offending);
    }
}
