package dev.iovirt.openflow;

/**
 * OFPT_MULTIPART_REQUEST, {@code struct ofp_multipart_request} (OF 1.3.5 §7.3.5).
 *
 * @param xid the transaction id; every part of one request shares it
 * @param flags {@link #FLAG_REQ_MORE} if more parts follow
 * @param body the typed request
 */
public record OfpMultipartRequest(int xid, int flags, MpRequest body) implements OfpMessage {
    /** OFPMPF_REQ_MORE: more requests follow (OF 1.3.5 §7.3.5, {@code enum ofp_multipart_request_flags}). */
    public static final int FLAG_REQ_MORE = 1;
    /** The size of the multipart header after {@code ofp_header}: type, flags, 4 bytes of padding. */
    public static final int HEADER_LENGTH = 16;

    public static OfpMultipartRequest of(int xid, MpRequest body) {
        return new OfpMultipartRequest(xid, 0, body);
    }

    @Override
    public OfpType type() {
        return OfpType.MULTIPART_REQUEST;
    }

    public boolean hasMore() {
        return (flags & FLAG_REQ_MORE) != 0;
    }
}
