package dev.iovirt.openflow;

import java.util.ArrayList;
import java.util.List;

/**
 * OFPT_MULTIPART_REPLY, {@code struct ofp_multipart_reply} (OF 1.3.5 §7.3.5). A reply larger than
 * one message can carry is sent as several messages with the same xid, all but the last with
 * {@link #FLAG_REPLY_MORE}; {@link #split} does this and {@link #merge} undoes it.
 *
 * @param xid the request's xid
 * @param flags {@link #FLAG_REPLY_MORE} if more parts follow
 * @param body the typed reply
 */
public record OfpMultipartReply(int xid, int flags, MpReply body) implements OfpMessage {
    /** OFPMPF_REPLY_MORE: more replies follow (OF 1.3.5 §7.3.5, {@code enum ofp_multipart_reply_flags}). */
    public static final int FLAG_REPLY_MORE = 1;

    public static OfpMultipartReply of(int xid, MpReply body) {
        return new OfpMultipartReply(xid, 0, body);
    }

    @Override
    public OfpType type() {
        return OfpType.MULTIPART_REPLY;
    }

    public boolean hasMore() {
        return (flags & FLAG_REPLY_MORE) != 0;
    }

    /**
     * This reply as messages of at most {@code maxMessageLength} bytes each (65535 on a real
     * connection), the entries in order, REPLY_MORE on all but the last. A body that is not an array
     * of entries, or that fits, comes back as one message.
     */
    public List<OfpMultipartReply> split(int maxMessageLength) {
        if (!(body instanceof MpReply.Entries<?> entries)) {
            return List.of(this);
        }
        return splitEntries(entries, maxMessageLength);
    }

    private <T> List<OfpMultipartReply> splitEntries(MpReply.Entries<T> entries, int maxMessageLength) {
        int room = maxMessageLength - OfpMessage.HEADER_LENGTH - 8;
        List<OfpMultipartReply> parts = new ArrayList<>();
        List<T> chunk = new ArrayList<>();
        int used = 0;
        for (T e : entries.entries()) {
            int len = entries.lengthOf(e);
            if (len > room) {
                throw new IllegalArgumentException("a single entry of " + len + " bytes exceeds the message size " + maxMessageLength);
            }
            if (used + len > room) {
                parts.add(new OfpMultipartReply(xid, FLAG_REPLY_MORE, entries.with(chunk)));
                chunk = new ArrayList<>();
                used = 0;
            }
            chunk.add(e);
            used += len;
        }
        parts.add(new OfpMultipartReply(xid, flags & ~FLAG_REPLY_MORE, entries.with(chunk)));
        return parts;
    }

    /**
     * The reply that {@code parts} (one xid, one type, in order, all but the last with REPLY_MORE)
     * were split from.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static OfpMultipartReply merge(List<OfpMultipartReply> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no parts to merge");
        }
        OfpMultipartReply first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        if (!(first.body instanceof MpReply.Entries<?> firstEntries)) {
            throw new IllegalArgumentException(first.body.multipartType() + " replies are not arrays of entries");
        }
        List all = new ArrayList<>();
        for (OfpMultipartReply p : parts) {
            if (p.xid != first.xid || p.body.multipartType() != first.body.multipartType()) {
                throw new IllegalArgumentException("parts of different replies: " + first.xid + "/" + p.xid);
            }
            all.addAll(((MpReply.Entries<?>) p.body).entries());
        }
        OfpMultipartReply last = parts.get(parts.size() - 1);
        return new OfpMultipartReply(first.xid, last.flags, ((MpReply.Entries) firstEntries).with(all));
    }
}
