package dev.iovirt.virtio.queue;

/**
 * The split virtqueue's layout in guest memory (virtio 1.2 §2.7), defined once for the device and
 * the guest driver: three areas the driver allocates and the device reads and writes.
 *
 * <pre>
 * descriptor table  (16-byte aligned)  struct virtq_desc { le64 addr; le32 len; le16 flags; le16 next; } [size]
 * available ring    (2-byte aligned)   le16 flags; le16 idx; le16 ring[size]; le16 used_event
 * used ring         (4-byte aligned)   le16 flags; le16 idx; struct { le32 id; le32 len; } ring[size]; le16 avail_event
 * </pre>
 *
 * All fields are little-endian. {@code used_event} and {@code avail_event} exist only with
 * VIRTIO_F_EVENT_IDX.
 */
public final class SplitRing {
    /** §2.7: the largest queue size. */
    public static final int MAX_SIZE = 32768;

    /** §2.7.5: size of one descriptor. */
    public static final int DESC_SIZE = 16;
    public static final int DESC_ADDR = 0;
    public static final int DESC_LEN = 8;
    public static final int DESC_FLAGS = 12;
    public static final int DESC_NEXT = 14;
    /** §2.7.5: the buffer continues in the descriptor named by {@code next}. */
    public static final int DESC_F_NEXT = 1;
    /** §2.7.5: the buffer is device-writable (otherwise device-readable). */
    public static final int DESC_F_WRITE = 2;
    /** §2.7.5.3: the buffer is a table of indirect descriptors. */
    public static final int DESC_F_INDIRECT = 4;

    /** §2.7.6: offsets in the available ring. */
    public static final int AVAIL_FLAGS = 0;
    public static final int AVAIL_IDX = 2;
    public static final int AVAIL_RING = 4;
    /** §2.7.6: the driver does not want an interrupt when buffers are used (advisory). */
    public static final int AVAIL_F_NO_INTERRUPT = 1;

    /** §2.7.8: offsets in the used ring. */
    public static final int USED_FLAGS = 0;
    public static final int USED_IDX = 2;
    public static final int USED_RING = 4;
    public static final int USED_ELEM_SIZE = 8;
    /** §2.7.8: the device does not want a notification when buffers are added (advisory). */
    public static final int USED_F_NO_NOTIFY = 1;

    /** §2.7: alignment of each area. */
    public static final int DESC_ALIGN = 16;
    public static final int AVAIL_ALIGN = 2;
    public static final int USED_ALIGN = 4;

    private SplitRing() {
    }

    public static long descTableBytes(int size) {
        return (long) DESC_SIZE * size;
    }

    /** The available ring's size, with used_event. */
    public static long availBytes(int size) {
        return 6 + 2L * size;
    }

    /** The used ring's size, with avail_event. */
    public static long usedBytes(int size) {
        return 6 + (long) USED_ELEM_SIZE * size;
    }

    /** Offset of {@code used_event} in the available ring (§2.7.6). */
    public static long usedEventOffset(int size) {
        return AVAIL_RING + 2L * size;
    }

    /** Offset of {@code avail_event} in the used ring (§2.7.8). */
    public static long availEventOffset(int size) {
        return USED_RING + (long) USED_ELEM_SIZE * size;
    }

    /** §2.7: a valid split queue size: a power of 2 from 1 to 32768. */
    public static boolean isValidSize(int size) {
        return size > 0 && size <= MAX_SIZE && (size & (size - 1)) == 0;
    }

    /**
     * §2.7.10, {@code vring_need_event}: whether moving an index from {@code oldIdx} to {@code newIdx}
     * passes {@code eventIdx}, i.e. the other side asked to be told at this point. All 16-bit.
     */
    public static boolean needEvent(int eventIdx, int newIdx, int oldIdx) {
        return ((newIdx - eventIdx - 1) & 0xFFFF) < ((newIdx - oldIdx) & 0xFFFF);
    }
}
