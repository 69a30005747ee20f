package dev.iovirt.sriov.api;

/**
 * PF–VF mailbox messages, after Linux's {@code ixgbe_mbx.h} (the 82599 VF protocol). Word 0 is the
 * message type in bits 15:0 with message info in bits 23:16 and the reply flags in bits 31:29; the
 * payload is little-endian bytes from byte 4 of the buffer ({@link VfRegisters#VFMBMEM}).
 *
 * <ul>
 *   <li>{@link #RESET}: the VF asks who it is; the reply carries ACK|CTS and the MAC the PF gave it in
 *       bytes 4-9 (zero if none).
 *   <li>{@link #SET_MAC_ADDR}: the VF asks for the MAC in bytes 4-9; the PF's policy decides (ACK or NACK).
 *   <li>{@link #SET_MULTICAST}: the VF lists the multicast MACs it wants (count in the info field, at most
 *       {@link #MAX_MULTICAST}, 6 bytes each from byte 4).
 *   <li>{@link #SET_VLAN}: the VF joins (info 1) or leaves (info 0) the VLAN in word 1.
 * </ul>
 */
public final class VfMailboxMessages {
    private VfMailboxMessages() {
    }

    /** IXGBE_VF_RESET. */
    public static final int RESET = 0x01;
    /** IXGBE_VF_SET_MAC_ADDR. */
    public static final int SET_MAC_ADDR = 0x02;
    /** IXGBE_VF_SET_MULTICAST. */
    public static final int SET_MULTICAST = 0x03;
    /** IXGBE_VF_SET_VLAN. */
    public static final int SET_VLAN = 0x04;
    /** Message type mask of word 0. */
    public static final int TYPE_MASK = 0xFFFF;
    /** Message info (a count or a flag) in bits 23:16 of word 0 (IXGBE_VT_MSGINFO_SHIFT). */
    public static final int INFO_SHIFT = 16;
    /** Reply flag: the PF did what was asked (IXGBE_VT_MSGTYPE_ACK). */
    public static final int ACK = 0x8000_0000;
    /** Reply flag: the PF refused (IXGBE_VT_MSGTYPE_NACK). */
    public static final int NACK = 0x4000_0000;
    /** Reply flag: clear to send — the PF has set the VF up (IXGBE_VT_MSGTYPE_CTS). */
    public static final int CTS = 0x2000_0000;
    /** Most multicast MACs one SET_MULTICAST carries (they fill the 16-dword buffer). */
    public static final int MAX_MULTICAST = 10;
}
