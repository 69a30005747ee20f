package dev.iovirt.virtio.net;

/**
 * virtio-net's wire formats (virtio 1.2 §5.1), defined once for the device and the guest driver:
 * feature bits, the configuration space, the {@code virtio_net_hdr} in front of every packet, and
 * the control virtqueue's commands.
 */
public final class VirtioNetLayout {
    /** §5.1.1: device ID of a network card. */
    public static final int DEVICE_TYPE = 1;

    // §5.1.3 feature bits.
    public static final int F_CSUM = 0;
    public static final int F_GUEST_CSUM = 1;
    public static final int F_MAC = 5;
    public static final int F_MRG_RXBUF = 15;
    public static final int F_STATUS = 16;
    public static final int F_CTRL_VQ = 17;
    public static final int F_CTRL_RX = 18;
    public static final int F_MQ = 22;

    // §5.1.4 configuration space.
    public static final int CONFIG_MAC = 0;
    public static final int CONFIG_STATUS = 6;
    public static final int CONFIG_MAX_VIRTQUEUE_PAIRS = 8;
    public static final int CONFIG_MTU = 10;
    public static final int STATUS_LINK_UP = 1;

    /** §5.1.6: struct virtio_net_hdr with VERSION_1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
    public static final int HDR_LEN = 12;
    public static final int HDR_FLAGS = 0;
    public static final int HDR_GSO_TYPE = 1;
    public static final int HDR_HDR_LEN = 2;
    public static final int HDR_GSO_SIZE = 4;
    public static final int HDR_CSUM_START = 6;
    public static final int HDR_CSUM_OFFSET = 8;
    public static final int HDR_NUM_BUFFERS = 10;
    /** §5.1.6: the checksum from csum_start to the end still has to be computed and stored at csum_offset. */
    public static final int HDR_F_NEEDS_CSUM = 1;
    /** §5.1.6: the checksum is already verified (receive side, with GUEST_CSUM). */
    public static final int HDR_F_DATA_VALID = 2;
    public static final int GSO_NONE = 0;

    // §5.1.6.5 control virtqueue: class, command, data, then the device writes an ack byte.
    public static final int CTRL_RX = 0;
    public static final int CTRL_RX_PROMISC = 0;
    public static final int CTRL_RX_ALLMULTI = 1;
    public static final int CTRL_MAC = 1;
    public static final int CTRL_MAC_TABLE_SET = 0;
    public static final int CTRL_MAC_ADDR_SET = 1;
    public static final int CTRL_MQ = 4;
    public static final int CTRL_MQ_VQ_PAIRS_SET = 0;
    public static final int CTRL_OK = 0;
    public static final int CTRL_ERR = 1;
    /** §5.1.6.5.5: the range of queue pairs a driver may ask for. */
    public static final int MQ_PAIRS_MIN = 1;
    public static final int MQ_PAIRS_MAX = 0x8000;

    private VirtioNetLayout() {
    }

    /** Queue index of receive queue {@code pair} (§5.1.2: receiveq1, transmitq1, ..., controlq last). */
    public static int rxQueue(int pair) {
        return 2 * pair;
    }

    public static int txQueue(int pair) {
        return 2 * pair + 1;
    }
}
