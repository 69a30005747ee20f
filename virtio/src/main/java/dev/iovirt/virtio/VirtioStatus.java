package dev.iovirt.virtio;

/** Device status bits (virtio 1.2 §2.1) and the device-independent feature bits (§6). */
public final class VirtioStatus {
    public static final int ACKNOWLEDGE = 1;
    public static final int DRIVER = 2;
    public static final int DRIVER_OK = 4;
    public static final int FEATURES_OK = 8;
    public static final int DEVICE_NEEDS_RESET = 64;
    public static final int FAILED = 128;

    /** §6: indirect descriptors (§2.7.5.3). */
    public static final int F_INDIRECT_DESC = 28;
    /** §6: used_event and avail_event (§2.7.10). */
    public static final int F_EVENT_IDX = 29;
    /** §6: a virtio 1.x (non-legacy) device; a modern driver must accept it. */
    public static final int F_VERSION_1 = 32;
    /** §6: the device's DMA goes through an IOMMU (platform access). */
    public static final int F_ACCESS_PLATFORM = 33;
    /** §6: the packed virtqueue layout (§2.8). */
    public static final int F_RING_PACKED = 34;

    private VirtioStatus() {
    }

    public static long bit(int feature) {
        return 1L << feature;
    }
}
