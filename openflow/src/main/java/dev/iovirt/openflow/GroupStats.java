package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * One group in an OFPMP_GROUP reply, {@code struct ofp_group_stats} (OF 1.3.5 §7.3.5.9).
 *
 * @param groupId the group
 * @param refCount flows or groups that forward to this group
 * @param packetCount packets processed by the group
 * @param byteCount bytes processed by the group
 * @param durationSec time the group has been alive, seconds part
 * @param durationNsec time alive beyond {@code durationSec}, in nanoseconds
 * @param bucketCounters per bucket, packets then bytes: {@code [p0, b0, p1, b1, ...]}
 */
public record GroupStats(GroupId groupId, long refCount, long packetCount, long byteCount, long durationSec,
                         long durationNsec, long[] bucketCounters) {
    public GroupStats {
        if (bucketCounters.length % 2 != 0) {
            throw new IllegalArgumentException("bucket counters come in (packets, bytes) pairs");
        }
        bucketCounters = bucketCounters.clone();
    }

    public int length() {
        return 40 + 8 * bucketCounters.length;
    }

    void write(ByteBuf out) {
        out.writeShort(length());
        out.writeZero(2);
        out.writeInt(groupId.value());
        out.writeInt((int) refCount);
        out.writeZero(4);
        out.writeLong(packetCount);
        out.writeLong(byteCount);
        out.writeInt((int) durationSec);
        out.writeInt((int) durationNsec);
        for (long v : bucketCounters) {
            out.writeLong(v);
        }
    }

    static GroupStats read(ByteBuf in) throws OfpException {
        MpRequest.need(in, 40);
        int len = in.readUnsignedShort();
        if (len < 40 || (len - 40) % 16 != 0 || len > in.readableBytes() + 2) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "group stats length " + len);
        }
        in.skipBytes(2);
        GroupId g = GroupId.of(in.readInt());
        long ref = in.readUnsignedInt();
        in.skipBytes(4);
        long p = in.readLong();
        long b = in.readLong();
        long s = in.readUnsignedInt();
        long ns = in.readUnsignedInt();
        long[] counters = new long[(len - 40) / 8];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = in.readLong();
        }
        return new GroupStats(g, ref, p, b, s, ns, counters);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupStats g && g.groupId.equals(groupId) && g.refCount == refCount && g.packetCount == packetCount
                && g.byteCount == byteCount && g.durationSec == durationSec && g.durationNsec == durationNsec
                && Arrays.equals(g.bucketCounters, bucketCounters);
    }

    @Override
    public int hashCode() {
        return groupId.hashCode() * 31 + Arrays.hashCode(bucketCounters);
    }

    @Override
    public String toString() {
        return "group_id=" + groupId + ",ref_count=" + refCount + ",packet_count=" + packetCount + ",byte_count=" + byteCount
                + ",buckets=" + Arrays.toString(bucketCounters);
    }
}
