package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.Bucket;
import dev.iovirt.openflow.GroupType;
import java.util.List;

/** One group table entry (OF 1.3.5 §5.6): type, buckets and counters. */
final class GroupEntry {
    final int id;
    GroupType type;
    List<Bucket> buckets;
    long packets;
    long bytes;
    long[] bucketPackets;
    long[] bucketBytes;
    final long createdNanos;

    GroupEntry(int id, GroupType type, List<Bucket> buckets, long createdNanos) {
        this.id = id;
        this.createdNanos = createdNanos;
        set(type, buckets);
    }

    void set(GroupType type, List<Bucket> buckets) {
        this.type = type;
        this.buckets = List.copyOf(buckets);
        this.bucketPackets = new long[buckets.size()];
        this.bucketBytes = new long[buckets.size()];
    }
}
