package dev.iovirt.virtio.queue;

/**
 * The packed virtqueue's layout (virtio 1.2 §2.8), for the device and the guest driver: one ring of
 * descriptors that the driver marks available and the device marks used by flipping two flag bits
 * against wrap counters, and two event-suppression structures.
 *
 * <pre>
 * descriptor ring  (16-byte aligned)  struct pvirtq_desc { le64 addr; le32 len; le16 id; le16 flags; } [size]
 * driver area      (4-byte aligned)   struct pvirtq_event_suppress { le16 off_wrap; le16 flags; }  (driver → device)
 * device area      (4-byte aligned)   struct pvirtq_event_suppress { le16 off_wrap; le16 flags; }  (device → driver)
 * </pre>
 */
public final class PackedRing {
    public static final int DESC_SIZE = 16;
    public static final int DESC_ADDR = 0;
    public static final int DESC_LEN = 8;
    public static final int DESC_ID = 12;
    public static final int DESC_FLAGS = 14;
    /** §2.8.1: the same NEXT, WRITE and INDIRECT bits as the split ring. */
    public static final int DESC_F_NEXT = 1;
    public static final int DESC_F_WRITE = 2;
    public static final int DESC_F_INDIRECT = 4;
    /** §2.8.1: available when AVAIL equals the driver's wrap counter and USED does not. */
    public static final int DESC_F_AVAIL = 1 << 7;
    /** §2.8.1: used when both AVAIL and USED equal the device's used wrap counter. */
    public static final int DESC_F_USED = 1 << 15;

    /** §2.8.10: struct pvirtq_event_suppress. */
    public static final int EVENT_OFF_WRAP = 0;
    public static final int EVENT_FLAGS = 2;
    public static final int EVENT_FLAGS_ENABLE = 0;
    public static final int EVENT_FLAGS_DISABLE = 1;
    /** §2.8.10: notify at the descriptor given by off_wrap (needs VIRTIO_F_EVENT_IDX). */
    public static final int EVENT_FLAGS_DESC = 2;
    public static final int EVENT_WRAP_BIT = 15;

    /** §2.8: the largest packed queue size (sizes need not be powers of 2). */
    public static final int MAX_SIZE = 32768;

    private PackedRing() {
    }

    public static long ringBytes(int size) {
        return (long) DESC_SIZE * size;
    }
}
