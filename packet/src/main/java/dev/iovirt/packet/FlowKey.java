package dev.iovirt.packet;

/**
 * The header fields of one frame, as a switch matches on them: the fields OpenFlow 1.3 defines
 * (OpenFlow 1.3.5 §7.2.3.7, {@code oxm_ofb_match_fields}) that the parser extracts, plus offsets of
 * each layer for the code that acts on the frame.
 *
 * <p>A key is mutable and reused: a datapath keeps one per batch slot and {@link FlowKeyParser}
 * overwrites it for each frame. Fields of layers the frame does not have are zero; {@link #layers()}
 * says which layers were present and fully parsed, {@link #flags()} whether parsing stopped early.
 */
public final class FlowKey {
    // Layers present (bits of layers()).
    public static final int L_ETH = 1;
    public static final int L_VLAN = 1 << 1;
    public static final int L_ARP = 1 << 2;
    public static final int L_IPV4 = 1 << 3;
    public static final int L_IPV6 = 1 << 4;
    public static final int L_ICMP = 1 << 5;
    public static final int L_ICMPV6 = 1 << 6;
    public static final int L_UDP = 1 << 7;
    public static final int L_TCP = 1 << 8;
    public static final int L_VXLAN = 1 << 9;

    // Parse flags (bits of flags()).
    /** The frame ended inside a header (or before the length an IP header announces). */
    public static final int F_TRUNCATED = 1;
    /** A header was present but invalid (wrong version, impossible lengths, bad ARP sizes). */
    public static final int F_MALFORMED = 1 << 1;

    // IP fragment bits (ipFrag()), as Open vSwitch's nw_frag.
    /** The packet is a fragment (MF set or a non-zero offset). */
    public static final int FRAG_ANY = 1;
    /** The packet is a fragment other than the first: it has no L4 header. */
    public static final int FRAG_LATER = 2;

    /** EtherType OVS uses for 802.3 frames without SNAP (no EtherType at all). */
    public static final int ETH_TYPE_NONE = 0x05FF;

    int layers;
    int flags;
    int inPort;

    long ethDst;
    long ethSrc;
    int ethType;

    int vlanCount;
    int vlanTpid0;
    int vlanTci0;
    int vlanTpid1;
    int vlanTci1;

    int arpOp;
    long arpSha;
    long arpTha;
    int arpSpa;
    int arpTpa;

    int ipv4Src;
    int ipv4Dst;
    long ipv6SrcHi;
    long ipv6SrcLo;
    long ipv6DstHi;
    long ipv6DstLo;
    int ipv6FlowLabel;
    int ipProto;
    int ipDscp;
    int ipEcn;
    int ipTtl;
    int ipFrag;
    boolean ipDontFragment;

    int icmpType;
    int icmpCode;
    int tpSrc;
    int tpDst;
    int tcpFlags;
    int vxlanVni;

    int l3Offset;
    int l4Offset;
    int payloadOffset;
    int l3Length;

    /** Clears every field, as for an empty frame. */
    public void clear() {
        layers = flags = inPort = 0;
        ethDst = ethSrc = 0;
        ethType = 0;
        vlanCount = vlanTpid0 = vlanTci0 = vlanTpid1 = vlanTci1 = 0;
        arpOp = arpSpa = arpTpa = 0;
        arpSha = arpTha = 0;
        ipv4Src = ipv4Dst = 0;
        ipv6SrcHi = ipv6SrcLo = ipv6DstHi = ipv6DstLo = 0;
        ipv6FlowLabel = ipProto = ipDscp = ipEcn = ipTtl = ipFrag = 0;
        ipDontFragment = false;
        icmpType = icmpCode = tpSrc = tpDst = tcpFlags = vxlanVni = 0;
        l3Offset = l4Offset = payloadOffset = l3Length = 0;
    }

    public int layers() { return layers; }
    public boolean has(int layer) { return (layers & layer) != 0; }
    public int flags() { return flags; }
    public boolean isTruncated() { return (flags & F_TRUNCATED) != 0; }
    public boolean isMalformed() { return (flags & F_MALFORMED) != 0; }
    /** True if every header the frame announced was present and valid. */
    public boolean isComplete() { return flags == 0; }
    public int inPort() { return inPort; }

    public long ethDst() { return ethDst; }
    public long ethSrc() { return ethSrc; }
    /** The EtherType after any VLAN tags (OpenFlow's eth_type). */
    public int ethType() { return ethType; }

    /** 0, 1 or 2 VLAN tags parsed. */
    public int vlanCount() { return vlanCount; }
    /** The outer tag's TPID (0x8100 or 0x88a8), 0 if untagged. */
    public int vlanTpid() { return vlanTpid0; }
    /** The outer tag's TCI: PCP (3 bits), DEI, VID (12 bits). */
    public int vlanTci() { return vlanTci0; }
    /** The outer tag's VLAN ID (OpenFlow vlan_vid without the OFPVID_PRESENT bit). */
    public int vlanVid() { return vlanTci0 & 0x0FFF; }
    /** The outer tag's priority code point (OpenFlow vlan_pcp). */
    public int vlanPcp() { return vlanTci0 >>> 13; }
    public int innerVlanTpid() { return vlanTpid1; }
    public int innerVlanTci() { return vlanTci1; }
    public int innerVlanVid() { return vlanTci1 & 0x0FFF; }

    public int arpOp() { return arpOp; }
    public long arpSha() { return arpSha; }
    public long arpTha() { return arpTha; }
    public int arpSpa() { return arpSpa; }
    public int arpTpa() { return arpTpa; }

    public int ipv4Src() { return ipv4Src; }
    public int ipv4Dst() { return ipv4Dst; }
    public long ipv6SrcHi() { return ipv6SrcHi; }
    public long ipv6SrcLo() { return ipv6SrcLo; }
    public long ipv6DstHi() { return ipv6DstHi; }
    public long ipv6DstLo() { return ipv6DstLo; }
    public int ipv6FlowLabel() { return ipv6FlowLabel; }
    /** IPv4 protocol or the IPv6 upper-layer next header (after extension headers). */
    public int ipProto() { return ipProto; }
    public int ipDscp() { return ipDscp; }
    public int ipEcn() { return ipEcn; }
    /** IPv4 TTL or IPv6 hop limit. */
    public int ipTtl() { return ipTtl; }
    /** {@link #FRAG_ANY} and {@link #FRAG_LATER} bits. */
    public int ipFrag() { return ipFrag; }
    public boolean ipDontFragment() { return ipDontFragment; }

    public int icmpType() { return icmpType; }
    public int icmpCode() { return icmpCode; }
    public int tpSrc() { return tpSrc; }
    public int tpDst() { return tpDst; }
    /** The 12 TCP flag bits (NS through FIN), OpenFlow's OXM tcp_flags extension range. */
    public int tcpFlags() { return tcpFlags; }
    /** The VXLAN VNI if {@link #L_VXLAN} is set. */
    public int vxlanVni() { return vxlanVni; }

    /** Offset of the L3 header from the frame start (after VLAN tags); 0 if none. */
    public int l3Offset() { return l3Offset; }
    /** Offset of the L4 header from the frame start; 0 if none. */
    public int l4Offset() { return l4Offset; }
    /** Offset of the L4 payload (after the UDP/TCP/ICMP header, after VXLAN's header) from the frame start. */
    public int payloadOffset() { return payloadOffset; }
    /** The L3 packet's length as its header says, bounded by the frame. */
    public int l3Length() { return l3Length; }

    /** The flow in Open vSwitch's notation, e.g. {@code in_port=1,udp,dl_src=...,nw_src=...,tp_dst=53}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("in_port=").append(inPort);
        if (!has(L_ETH)) {
            return sb.append(",truncated").toString();
        }
        if (vlanCount > 0) {
            sb.append(",dl_vlan=").append(vlanVid()).append(",dl_vlan_pcp=").append(vlanPcp());
        }
        sb.append(",dl_src=").append(MacAddress.format(ethSrc)).append(",dl_dst=").append(MacAddress.format(ethDst));
        sb.append(",dl_type=").append(String.format("0x%04x", ethType));
        if (has(L_ARP)) {
            sb.append(",arp_op=").append(arpOp)
                    .append(",arp_spa=").append(Ipv4Address.format(arpSpa))
                    .append(",arp_tpa=").append(Ipv4Address.format(arpTpa))
                    .append(",arp_sha=").append(MacAddress.format(arpSha))
                    .append(",arp_tha=").append(MacAddress.format(arpTha));
        }
        if (has(L_IPV4)) {
            sb.append(",nw_src=").append(Ipv4Address.format(ipv4Src)).append(",nw_dst=").append(Ipv4Address.format(ipv4Dst));
        }
        if (has(L_IPV6)) {
            sb.append(",ipv6_src=").append(Ipv6Address.format(ipv6SrcHi, ipv6SrcLo))
                    .append(",ipv6_dst=").append(Ipv6Address.format(ipv6DstHi, ipv6DstLo))
                    .append(",ipv6_label=").append(String.format("0x%05x", ipv6FlowLabel));
        }
        if (has(L_IPV4) || has(L_IPV6)) {
            sb.append(",nw_proto=").append(ipProto).append(",nw_tos=").append(ipDscp << 2)
                    .append(",nw_ecn=").append(ipEcn).append(",nw_ttl=").append(ipTtl);
            sb.append(",nw_frag=").append(switch (ipFrag) {
                case 0 -> "no";
                case FRAG_ANY -> "first";
                default -> "later";
            });
        }
        if (has(L_ICMP) || has(L_ICMPV6)) {
            sb.append(has(L_ICMP) ? ",icmp_type=" : ",icmpv6_type=").append(icmpType)
                    .append(has(L_ICMP) ? ",icmp_code=" : ",icmpv6_code=").append(icmpCode);
        }
        if (has(L_UDP) || has(L_TCP)) {
            sb.append(",tp_src=").append(tpSrc).append(",tp_dst=").append(tpDst);
        }
        if (has(L_TCP)) {
            sb.append(",tcp_flags=").append(String.format("0x%03x", tcpFlags));
        }
        if (has(L_VXLAN)) {
            sb.append(",vxlan_vni=").append(vxlanVni);
        }
        if (isTruncated()) {
            sb.append(",truncated");
        }
        if (isMalformed()) {
            sb.append(",malformed");
        }
        return sb.toString();
    }
}
