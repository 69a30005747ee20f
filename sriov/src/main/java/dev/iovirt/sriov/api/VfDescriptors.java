package dev.iovirt.sriov.api;

/**
 * The VF's 16-byte descriptors: the advanced formats of the 82599 ({@code ixgbevf}), little-endian.
 * Byte layouts are drawn in docs/sriov.md.
 *
 * <p><b>TX, advanced data descriptor</b> (82599 datasheet §7.2.3.2.4). Read format: bytes 0-7 buffer
 * address; bytes 8-11 {@code DTALEN[15:0] | DTYP[23:20] | DCMD[31:24]}; bytes 12-15
 * {@code STA[3:0] | ... | PAYLEN[31:14]}. Write-back: the device sets STA.DD (byte 12 bit 0) when DCMD.RS
 * asked for it.
 *
 * <p><b>RX, advanced one-buffer descriptor</b> (82599 datasheet §7.1.6). Read format: bytes 0-7 packet
 * buffer address; bytes 8-15 header buffer address (unused: must be 0 here, its bit 0 is where DD
 * lands). Write-back: bytes 0-7 zero (RSS/packet type not modeled); bytes 8-11 extended status
 * {@code DD bit 0, EOP bit 1, VP bit 3}; bytes 12-15 {@code PKT_LEN[15:0] | VLAN[31:16]}.
 */
public final class VfDescriptors {
    private VfDescriptors() {
    }

    /** Every descriptor is 16 bytes. */
    public static final int SIZE = 16;
    /** Ring lengths are multiples of 128 bytes (8 descriptors). 82599 §8.2.3.9.7. */
    public static final int RING_ALIGN = 128;

    /** Offset of the buffer address (both rings, read format). */
    public static final int ADDRESS = 0;
    /** TX: offset of the DTALEN/DTYP/DCMD dword. */
    public static final int TX_CMD_TYPE_LEN = 8;
    /** TX: offset of the STA/PAYLEN dword. */
    public static final int TX_OLINFO_STATUS = 12;
    /** TX DTYP (bits 23:20) 0011b: advanced data descriptor. */
    public static final int TX_DTYP_DATA = 0x3 << 20;
    /** TX DTYP field mask. */
    public static final int TX_DTYP_MASK = 0xF << 20;
    /** TX DCMD.EOP (bit 24): last descriptor of the frame. */
    public static final int TX_DCMD_EOP = 1 << 24;
    /** TX DCMD.IFCS (bit 25): insert FCS (the host side carries no FCS; accepted, no effect). */
    public static final int TX_DCMD_IFCS = 1 << 25;
    /** TX DCMD.RS (bit 27): report status (write DD back). */
    public static final int TX_DCMD_RS = 1 << 27;
    /** TX DCMD.DEXT (bit 29): extended (advanced) descriptor; required. */
    public static final int TX_DCMD_DEXT = 1 << 29;
    /** TX DTALEN field mask (bits 15:0): bytes in this descriptor's buffer. */
    public static final int TX_LEN_MASK = 0xFFFF;
    /** TX STA.DD (bit 0 of the status dword): the device is done with the descriptor. */
    public static final int TX_STA_DD = 1;

    /** RX: offset of the header buffer address (read) / extended status (write-back, bytes 8-11). */
    public static final int RX_STATUS = 8;
    /** RX: offset of PKT_LEN and VLAN (write-back, bytes 12-15). */
    public static final int RX_LENGTH_VLAN = 12;
    /** RX extended status DD (bit 0). */
    public static final int RX_STAT_DD = 1;
    /** RX extended status EOP (bit 1). */
    public static final int RX_STAT_EOP = 1 << 1;
    /** RX extended status VP (bit 3): a VLAN tag was stripped into bytes 14-15. */
    public static final int RX_STAT_VP = 1 << 3;
}
