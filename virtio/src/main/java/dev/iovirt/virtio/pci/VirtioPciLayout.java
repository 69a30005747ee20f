package dev.iovirt.virtio.pci;

/**
 * The virtio-pci modern transport's register map (virtio 1.2 §4.1), defined once for the device
 * and the guest driver: PCI IDs, the vendor-specific capabilities, the common configuration
 * structure, and where this implementation places each region in its BARs.
 */
public final class VirtioPciLayout {
    /** §4.1.2: Red Hat's vendor ID; a modern device's ID is 0x1040 + the virtio device ID. */
    public static final int VENDOR_ID = 0x1AF4;
    public static final int DEVICE_ID_BASE = 0x1040;
    /** §4.1.2.1: modern-only devices have revision 1 or higher. */
    public static final int REVISION = 1;

    /** §4.1.4: capability ID of vendor-specific capabilities. */
    public static final int CAP_ID_VENDOR = 0x09;
    /** §4.1.4: struct virtio_pci_cap (16 bytes); the notify capability adds notify_off_multiplier (20). */
    public static final int CAP_LEN = 16;
    public static final int NOTIFY_CAP_LEN = 20;
    public static final int CAP_CFG_TYPE = 3;
    public static final int CAP_BAR = 4;
    public static final int CAP_ID = 5;
    public static final int CAP_OFFSET = 8;
    public static final int CAP_LENGTH = 12;
    public static final int CAP_NOTIFY_OFF_MULTIPLIER = 16;
    /** §4.1.4: cfg_type values. */
    public static final int CFG_COMMON = 1;
    public static final int CFG_NOTIFY = 2;
    public static final int CFG_ISR = 3;
    public static final int CFG_DEVICE = 4;
    public static final int CFG_PCI = 5;

    /** §4.1.4.3: struct virtio_pci_common_cfg. */
    public static final int DEVICE_FEATURE_SELECT = 0x00;
    public static final int DEVICE_FEATURE = 0x04;
    public static final int DRIVER_FEATURE_SELECT = 0x08;
    public static final int DRIVER_FEATURE = 0x0C;
    public static final int CONFIG_MSIX_VECTOR = 0x10;
    public static final int NUM_QUEUES = 0x12;
    public static final int DEVICE_STATUS = 0x14;
    public static final int CONFIG_GENERATION = 0x15;
    public static final int QUEUE_SELECT = 0x16;
    public static final int QUEUE_SIZE = 0x18;
    public static final int QUEUE_MSIX_VECTOR = 0x1A;
    public static final int QUEUE_ENABLE = 0x1C;
    public static final int QUEUE_NOTIFY_OFF = 0x1E;
    public static final int QUEUE_DESC = 0x20;
    public static final int QUEUE_DRIVER = 0x28;
    public static final int QUEUE_DEVICE = 0x30;
    public static final int COMMON_CFG_LENGTH = 0x38;
    /** §4.1.4.3: the "no vector" value of config_msix_vector and queue_msix_vector. */
    public static final int NO_VECTOR = 0xFFFF;

    /** §4.1.4.5: ISR status bits (read to clear). */
    public static final int ISR_QUEUE = 1;
    public static final int ISR_CONFIG = 2;

    /** This device's layout: the virtio regions in 64-bit BAR 4 (as QEMU), MSI-X in BAR 1. */
    public static final int REGIONS_BAR = 4;
    public static final int REGIONS_BAR_SIZE = 0x4000;
    public static final int COMMON_OFFSET = 0x0000;
    public static final int ISR_OFFSET = 0x1000;
    public static final int DEVICE_OFFSET = 0x2000;
    public static final int NOTIFY_OFFSET = 0x3000;
    public static final int REGION_SIZE = 0x1000;
    /** Each queue's notify address is NOTIFY_OFFSET + queue_notify_off × this (§4.1.4.4). */
    public static final int NOTIFY_OFF_MULTIPLIER = 4;
    public static final int MSIX_BAR = 1;
    public static final int MSIX_BAR_SIZE = 0x1000;
    public static final int MSIX_TABLE_OFFSET = 0;
    public static final int MSIX_PBA_OFFSET = 0x800;

    private VirtioPciLayout() {
    }
}
