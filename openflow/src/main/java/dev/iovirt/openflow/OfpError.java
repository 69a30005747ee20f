package dev.iovirt.openflow;

import java.util.Arrays;

/**
 * OFPT_ERROR (OF 1.3.5 §7.4.4). Type and code are kept as wire values so that errors this codec does
 * not know (experimenter errors, later versions) still decode; {@link #error()} names known ones.
 * For OFPET_EXPERIMENTER, {@code code} holds {@code exp_type} and {@code data} starts with the
 * 32-bit experimenter id.
 *
 * @param xid the offending request's xid
 * @param errorType the {@code ofp_error_type}
 * @param code the type-specific code
 * @param data at least the first 64 bytes of the offending request (or an ASCII text for HELLO_FAILED)
 */
public record OfpError(int xid, int errorType, int code, byte[] data) implements OfpMessage {
    public OfpError {
        data = data.clone();
    }

    public static OfpError of(int xid, ErrorCode code, byte[] data) {
        return new OfpError(xid, code.type().code(), code.code(), data);
    }

    /**
     * The error a switch sends when a well-formed message fails its own checks (unknown table,
     * group or meter, a table full, ...): the message's xid and the first 64 bytes of its encoding.
     * The bytes equal those received except that OXM fields are in field-number order.
     */
    public static OfpError about(OfpMessage offending, ErrorCode code) {
        byte[] b = OfpCodec.encode(offending);
        return of(offending.xid(), code, b.length <= OfpException.OFFENDING_BYTES ? b : Arrays.copyOf(b, OfpException.OFFENDING_BYTES));
    }

    @Override
    public OfpType type() {
        return OfpType.ERROR;
    }

    /** The named error, or null if OpenFlow 1.3 defines no such type and code. */
    public ErrorCode error() {
        return ErrorCode.of(errorType, code);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfpError e && e.xid == xid && e.errorType == errorType && e.code == code && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return (xid * 31 + errorType) * 31 + code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        ErrorCode c = error();
        return "OFPT_ERROR (xid=0x" + Integer.toHexString(xid) + "): "
                + (c != null ? c.toString() : "type=" + errorType + ",code=" + code) + " data=" + Hex.of(data);
    }
}
