package dev.iovirt.vmm.dev.e1000.api;

/**
 * The 16-byte legacy transmit descriptor in guest memory. SDM §3.3.3, Table 3-8:
 *
 * <pre>
 *  0  buffer address (64 bits, guest-physical)
 *  8  length (16)   10 CSO (8)   11 CMD (8)   12 STA (4 bits) + reserved   13 CSS (8)   14 special (16)
 * </pre>
 *
 * A frame is one or more descriptors, the last with CMD.EOP. With CMD.RS the hardware reports the
 * descriptor done by setting STA.DD.
 */
public final class LegacyTxDescriptor {
    private LegacyTxDescriptor() {
    }

    public static final int BUFFER_ADDRESS = 0;
    public static final int LENGTH = 8;
    public static final int CSO = 10;
    public static final int CMD = 11;
    public static final int STATUS = 12;
    public static final int CSS = 13;
    public static final int SPECIAL = 14;

    // Command bits. SDM §3.3.3.1, Table 3-10.
    /** End of packet. */
    public static final int CMD_EOP = 1;
    /** Insert FCS (the CRC). */
    public static final int CMD_IFCS = 1 << 1;
    /** Insert checksum at CSO, computed from CSS. */
    public static final int CMD_IC = 1 << 2;
    /** Report status: write back DD when done. */
    public static final int CMD_RS = 1 << 3;
    /** Descriptor extension: 1 means a context or data descriptor, not a legacy one. */
    public static final int CMD_DEXT = 1 << 5;
    /** VLAN packet enable. */
    public static final int CMD_VLE = 1 << 6;
    /** Interrupt delay enable. */
    public static final int CMD_IDE = 1 << 7;

    // Status bits. SDM §3.3.3.2, Table 3-11.
    /** Descriptor done. */
    public static final int STATUS_DD = 1;
}
