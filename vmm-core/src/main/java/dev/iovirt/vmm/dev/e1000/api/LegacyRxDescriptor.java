package dev.iovirt.vmm.dev.e1000.api;

/**
 * The 16-byte legacy receive descriptor in guest memory. SDM §3.2.3, Table 3-1:
 *
 * <pre>
 *  0  buffer address (64 bits, guest-physical)
 *  8  length (16)   10 packet checksum (16)   12 status (8)   13 errors (8)   14 special (16)
 * </pre>
 *
 * Software writes the buffer address and clears status; hardware writes length, status and errors.
 */
public final class LegacyRxDescriptor {
    private LegacyRxDescriptor() {
    }

    public static final int BUFFER_ADDRESS = 0;
    public static final int LENGTH = 8;
    public static final int CHECKSUM = 10;
    public static final int STATUS = 12;
    public static final int ERRORS = 13;
    public static final int SPECIAL = 14;

    // Status bits. SDM §3.2.3.1, Table 3-2.
    /** Descriptor done: hardware has filled the buffer. */
    public static final int STATUS_DD = 1;
    /** End of packet: the last descriptor of a frame. */
    public static final int STATUS_EOP = 1 << 1;
    /** Ignore checksum indication. */
    public static final int STATUS_IXSM = 1 << 2;

    // Error bits. SDM §3.2.3.2, Table 3-3.
    /** RX data error. */
    public static final int ERRORS_RXE = 1 << 7;
}
