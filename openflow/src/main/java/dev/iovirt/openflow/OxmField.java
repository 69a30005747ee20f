package dev.iovirt.openflow;

/**
 * The OpenFlow-basic OXM match fields, {@code enum oxm_ofb_match_fields} of class
 * {@code OFPXMC_OPENFLOW_BASIC} (OF 1.3.5 §7.2.3.7), with each field's payload width,
 * the bits a value may use, whether the spec lets it carry a mask, and the name ovs-ofctl writes.
 */
public enum OxmField {
    IN_PORT(0, 4, 0xFFFF_FFFFL, false, "in_port"),
    IN_PHY_PORT(1, 4, 0xFFFF_FFFFL, false, "in_phy_port"),
    METADATA(2, 8, -1L, true, "metadata"),
    ETH_DST(3, 6, 0xFFFF_FFFF_FFFFL, true, "dl_dst"),
    ETH_SRC(4, 6, 0xFFFF_FFFF_FFFFL, true, "dl_src"),
    ETH_TYPE(5, 2, 0xFFFF, false, "dl_type"),
    /** 12-bit VID plus {@link #VID_PRESENT}; 0 ({@link #VID_NONE}) matches untagged packets. */
    VLAN_VID(6, 2, 0x1FFF, true, "vlan_vid"),
    VLAN_PCP(7, 1, 0x7, false, "dl_vlan_pcp"),
    IP_DSCP(8, 1, 0x3F, false, "ip_dscp"),
    IP_ECN(9, 1, 0x3, false, "ip_ecn"),
    IP_PROTO(10, 1, 0xFF, false, "nw_proto"),
    IPV4_SRC(11, 4, 0xFFFF_FFFFL, true, "nw_src"),
    IPV4_DST(12, 4, 0xFFFF_FFFFL, true, "nw_dst"),
    TCP_SRC(13, 2, 0xFFFF, false, "tcp_src"),
    TCP_DST(14, 2, 0xFFFF, false, "tcp_dst"),
    UDP_SRC(15, 2, 0xFFFF, false, "udp_src"),
    UDP_DST(16, 2, 0xFFFF, false, "udp_dst"),
    SCTP_SRC(17, 2, 0xFFFF, false, "sctp_src"),
    SCTP_DST(18, 2, 0xFFFF, false, "sctp_dst"),
    ICMPV4_TYPE(19, 1, 0xFF, false, "icmp_type"),
    ICMPV4_CODE(20, 1, 0xFF, false, "icmp_code"),
    ARP_OP(21, 2, 0xFFFF, false, "arp_op"),
    ARP_SPA(22, 4, 0xFFFF_FFFFL, true, "arp_spa"),
    ARP_TPA(23, 4, 0xFFFF_FFFFL, true, "arp_tpa"),
    ARP_SHA(24, 6, 0xFFFF_FFFF_FFFFL, true, "arp_sha"),
    ARP_THA(25, 6, 0xFFFF_FFFF_FFFFL, true, "arp_tha"),
    IPV6_SRC(26, 16, -1L, true, "ipv6_src"),
    IPV6_DST(27, 16, -1L, true, "ipv6_dst"),
    IPV6_FLABEL(28, 4, 0xF_FFFF, true, "ipv6_label"),
    ICMPV6_TYPE(29, 1, 0xFF, false, "icmpv6_type"),
    ICMPV6_CODE(30, 1, 0xFF, false, "icmpv6_code"),
    IPV6_ND_TARGET(31, 16, -1L, false, "nd_target"),
    IPV6_ND_SLL(32, 6, 0xFFFF_FFFF_FFFFL, false, "nd_sll"),
    IPV6_ND_TLL(33, 6, 0xFFFF_FFFF_FFFFL, false, "nd_tll"),
    MPLS_LABEL(34, 4, 0xF_FFFF, false, "mpls_label"),
    MPLS_TC(35, 1, 0x7, false, "mpls_tc"),
    MPLS_BOS(36, 1, 0x1, false, "mpls_bos"),
    PBB_ISID(37, 3, 0xFF_FFFF, true, "pbb_isid"),
    TUNNEL_ID(38, 8, -1L, true, "tunnel_id"),
    IPV6_EXTHDR(39, 2, 0x1FF, true, "ipv6_exthdr");

    /** OFPXMC_OPENFLOW_BASIC, the only OXM class this codec carries (OF 1.3.5 §7.2.3.3). */
    public static final int CLASS_OPENFLOW_BASIC = 0x8000;
    /** OFPXMC_EXPERIMENTER (OF 1.3.5 §7.2.3.3). */
    public static final int CLASS_EXPERIMENTER = 0xFFFF;
    /** OFPVID_PRESENT: the packet has a VLAN tag (OF 1.3.5 §7.2.3.8, {@code enum ofp_vlan_id}). */
    public static final int VID_PRESENT = 0x1000;
    /** OFPVID_NONE: the packet has no VLAN tag (OF 1.3.5 §7.2.3.8). */
    public static final int VID_NONE = 0x0000;

    private static final OxmField[] BY_CODE = values();

    private final int code;
    private final int width;
    private final long validBits;
    private final boolean maskable;
    private final String ovsName;

    OxmField(int code, int width, long validBits, boolean maskable, String ovsName) {
        this.code = code;
        this.width = width;
        this.validBits = validBits;
        this.maskable = maskable;
        this.ovsName = ovsName;
    }

    /** The 7-bit {@code oxm_field} value. */
    public int code() {
        return code;
    }

    /** The payload's size in bytes without a mask. */
    public int width() {
        return width;
    }

    /** The bits a value may have set (for 16-byte fields, of each half). */
    public long validBits() {
        return validBits;
    }

    /** True if the spec allows {@code oxm_hasmask} for this field. */
    public boolean isMaskable() {
        return maskable;
    }

    /** True for the 128-bit fields (IPv6 addresses). */
    public boolean isWide() {
        return width == 16;
    }

    /** The field's name in ovs-ofctl's flow syntax. */
    public String ovsName() {
        return ovsName;
    }

    /** The 32-bit OXM header ({@code oxm_class}, field, hasmask, length) of this field. */
    public int header(boolean hasMask) {
        return CLASS_OPENFLOW_BASIC << 16 | code << 9 | (hasMask ? 1 << 8 : 0) | (hasMask ? 2 * width : width);
    }

    /** The field with code {@code code}, or null if OpenFlow 1.3 defines none. */
    public static OxmField of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
