package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An action bucket of a group, {@code struct ofp_bucket} (OF 1.3.5 §7.3.4.2).
 *
 * @param weight relative weight for select groups, 0 otherwise
 * @param watchPort the port whose liveness decides a fast-failover bucket, {@link PortNo#ANY} if none
 * @param watchGroup the group whose liveness decides a fast-failover bucket, {@link GroupId#ANY} if none
 * @param actions the actions the bucket applies
 */
public record Bucket(int weight, PortNo watchPort, GroupId watchGroup, List<Action> actions) {
    public Bucket {
        actions = List.copyOf(actions);
    }

    /** A bucket for all and indirect groups: weight 0, watching nothing. */
    public static Bucket of(Action... actions) {
        return new Bucket(0, PortNo.ANY, GroupId.ANY, List.of(actions));
    }

    public int length() {
        return 16 + Action.length(actions);
    }

    static int length(List<Bucket> buckets) {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.length();
        }
        return n;
    }

    static void writeAll(ByteBuf out, List<Bucket> buckets) {
        for (Bucket b : buckets) {
            out.writeShort(b.length());
            out.writeShort(b.weight);
            out.writeInt(b.watchPort.value());
            out.writeInt(b.watchGroup.value());
            out.writeZero(4);
            Action.writeAll(out, b.actions);
        }
    }

    /** Reads the buckets that fill exactly {@code length} bytes; length problems are OFPGMFC_BAD_BUCKET. */
    static List<Bucket> readAll(ByteBuf in, int length) throws OfpException {
        int end = in.readerIndex() + length;
        List<Bucket> list = new ArrayList<>();
        while (in.readerIndex() < end) {
            int available = end - in.readerIndex();
            if (available < 16) {
                throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_BUCKET, "bucket truncated (" + available + " bytes)");
            }
            int len = in.readUnsignedShort();
            if (len < 16 || len % 8 != 0 || len > available) {
                throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_BUCKET, "bucket length " + len + " with " + available + " bytes left");
            }
            int weight = in.readUnsignedShort();
            PortNo watchPort = PortNo.of(in.readInt());
            GroupId watchGroup = GroupId.of(in.readInt());
            in.skipBytes(4);
            list.add(new Bucket(weight, watchPort, watchGroup, Action.readAll(in, len - 16)));
        }
        return List.copyOf(list);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("bucket=");
        if (weight != 0) {
            sb.append("weight:").append(weight).append(',');
        }
        if (!watchPort.equals(PortNo.ANY)) {
            sb.append("watch_port:").append(watchPort).append(',');
        }
        if (!watchGroup.equals(GroupId.ANY)) {
            sb.append("watch_group:").append(watchGroup).append(',');
        }
        return sb.append("actions=").append(Action.toString(actions)).toString();
    }
}
