package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One group in an OFPMP_GROUP_DESC reply, {@code struct ofp_group_desc} (OF 1.3.5 §7.3.5.10).
 *
 * @param groupType the group's type
 * @param groupId the group
 * @param buckets the group's buckets
 */
public record GroupDesc(GroupType groupType, GroupId groupId, List<Bucket> buckets) {
    public GroupDesc {
        buckets = List.copyOf(buckets);
    }

    public int length() {
        return 8 + Bucket.length(buckets);
    }

    void write(ByteBuf out) {
        out.writeShort(length());
        out.writeByte(groupType.code());
        out.writeZero(1);
        out.writeInt(groupId.value());
        Bucket.writeAll(out, buckets);
    }

    static GroupDesc read(ByteBuf in) throws OfpException {
        MpRequest.need(in, 8);
        int len = in.readUnsignedShort();
        if (len < 8 || len > in.readableBytes() + 2) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "group desc length " + len);
        }
        GroupType t = GroupType.of(in.readUnsignedByte());
        in.skipBytes(1);
        GroupId g = GroupId.of(in.readInt());
        return new GroupDesc(t, g, Bucket.readAll(in, len - 8));
    }
}
