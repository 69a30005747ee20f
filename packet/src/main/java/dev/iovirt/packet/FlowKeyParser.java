package dev.iovirt.packet;

import static dev.iovirt.packet.Bytes.getI32;
import static dev.iovirt.packet.Bytes.getI64;
import static dev.iovirt.packet.Bytes.getU16;
import static dev.iovirt.packet.Bytes.getU48;
import static dev.iovirt.packet.Bytes.getU8;

/**
 * Parses a frame's headers into a {@link FlowKey}: Ethernet, up to two 802.1Q/802.1ad tags, ARP,
 * IPv4, IPv6 (skipping extension headers), ICMP, ICMPv6, UDP, TCP and VXLAN.
 *
 * <p>Parsing never throws and never reads outside {@code [off, off+len)}. It goes as far as the
 * headers are valid: a layer's fields are filled in and its {@code L_*} bit set only when its whole
 * header is present; where it stops early the key carries {@link FlowKey#F_TRUNCATED} or
 * {@link FlowKey#F_MALFORMED}. It allocates nothing.
 */
public final class FlowKeyParser {
    /** IANA-assigned VXLAN UDP port (RFC 7348 §5). */
    public static final int VXLAN_PORT = 4789;

    static final int ETH_HEADER = 14;
    static final int VLAN_TAG = 4;
    static final int MAX_VLAN_TAGS = 2;
    static final int ARP_ETH_IPV4 = 28;
    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int UDP_HEADER = 8;
    static final int TCP_MIN_HEADER = 20;
    static final int ICMP_HEADER = 4;
    static final int VXLAN_HEADER = 8;
    /** RFC 7348 §5: the I flag (bit 3 of the first octet) says the VNI is valid. */
    static final int VXLAN_FLAG_I = 0x08;
    /** Bound on IPv6 extension headers walked, so a crafted chain costs a fixed amount. */
    static final int MAX_IPV6_EXTENSIONS = 8;

    private FlowKeyParser() {
    }

    /** Parses {@code frame}'s bytes, with its in_port. */
    public static FlowKey parse(Frame frame, FlowKey key) {
        return parse(frame.buffer(), frame.offset(), frame.length(), frame.inPort(), key);
    }

    /** Parses {@code b[off, off+len)} as an Ethernet frame that entered on {@code inPort}. */
    public static FlowKey parse(byte[] b, int off, int len, int inPort, FlowKey key) {
        key.clear();
        key.inPort = inPort;
        if (off < 0 || len < 0 || off > b.length || len > b.length - off) {
            key.flags = FlowKey.F_MALFORMED;
            return key;
        }
        final int end = off + len;
        if (len < ETH_HEADER) {
            key.flags = FlowKey.F_TRUNCATED;
            return key;
        }
        key.ethDst = getU48(b, off);
        key.ethSrc = getU48(b, off + 6);
        int type = getU16(b, off + 12);
        int p = off + ETH_HEADER;
        key.layers = FlowKey.L_ETH;

        // IEEE 802.1Q-2018 §9.5 tag: TPID then TCI; 802.1ad S-TAG outside a C-TAG for QinQ.
        while ((type == EtherType.VLAN || type == EtherType.QINQ) && key.vlanCount < MAX_VLAN_TAGS) {
            if (end - p < VLAN_TAG) {
                key.ethType = type;
                key.flags |= FlowKey.F_TRUNCATED;
                return key;
            }
            int tci = getU16(b, p);
            if (key.vlanCount == 0) {
                key.vlanTpid0 = type;
                key.vlanTci0 = tci;
            } else {
                key.vlanTpid1 = type;
                key.vlanTci1 = tci;
            }
            key.vlanCount++;
            type = getU16(b, p + 2);
            p += VLAN_TAG;
        }
        if (key.vlanCount > 0) {
            key.layers |= FlowKey.L_VLAN;
        }
        if (type < EtherType.MIN_ETHERTYPE) {
            // IEEE 802.3 length field: an LLC frame; with a SNAP header (AA AA 03 OUI(3) type) the type follows.
            if (end - p >= 8 && getU8(b, p) == 0xAA && getU8(b, p + 1) == 0xAA && getU8(b, p + 2) == 0x03) {
                type = getU16(b, p + 6);
                p += 8;
            } else {
                key.ethType = FlowKey.ETH_TYPE_NONE;
                return key;
            }
        }
        key.ethType = type;
        key.l3Offset = p - off;
        switch (type) {
            case EtherType.ARP -> parseArp(b, p, end, key);
            case EtherType.IPV4 -> parseIpv4(b, off, p, end, key);
            case EtherType.IPV6 -> parseIpv6(b, off, p, end, key);
            default -> {
                // Not a network layer we parse: the key ends at eth_type.
            }
        }
        return key;
    }

    /** RFC 826 ARP for Ethernet/IPv4: htype 1, ptype 0x0800, hlen 6, plen 4. Other ARP is left unparsed. */
    private static void parseArp(byte[] b, int p, int end, FlowKey key) {
        if (end - p < ARP_ETH_IPV4) {
            key.flags |= FlowKey.F_TRUNCATED;
            return;
        }
        if (getU16(b, p) != 1 || getU16(b, p + 2) != EtherType.IPV4 || getU8(b, p + 4) != 6 || getU8(b, p + 5) != 4) {
            key.flags |= FlowKey.F_MALFORMED;
            return;
        }
        key.arpOp = getU16(b, p + 6);
        key.arpSha = getU48(b, p + 8);
        key.arpSpa = getI32(b, p + 14);
        key.arpTha = getU48(b, p + 18);
        key.arpTpa = getI32(b, p + 24);
        key.l3Length = ARP_ETH_IPV4;
        key.layers |= FlowKey.L_ARP;
    }

    /** RFC 791 §3.1. */
    private static void parseIpv4(byte[] b, int off, int p, int end, FlowKey key) {
        if (end - p < IPV4_MIN_HEADER) {
            key.flags |= FlowKey.F_TRUNCATED;
            return;
        }
        int verIhl = getU8(b, p);
        int ihl = (verIhl & 0x0F) * 4;
        int totalLength = getU16(b, p + 2);
        if ((verIhl >>> 4) != 4 || ihl < IPV4_MIN_HEADER || totalLength < ihl) {
            key.flags |= FlowKey.F_MALFORMED;
            return;
        }
        if (end - p < ihl) {
            key.flags |= FlowKey.F_TRUNCATED;
            return;
        }
        int tos = getU8(b, p + 1);
        int fragWord = getU16(b, p + 6);
        key.ipDscp = tos >>> 2;
        key.ipEcn = tos & 0x03;
        key.ipTtl = getU8(b, p + 8);
        key.ipProto = getU8(b, p + 9);
        key.ipv4Src = getI32(b, p + 12);
        key.ipv4Dst = getI32(b, p + 16);
        key.ipDontFragment = (fragWord & 0x4000) != 0;
        int fragOffset = fragWord & 0x1FFF;
        if ((fragWord & 0x2000) != 0 || fragOffset != 0) {
            key.ipFrag = fragOffset != 0 ? FlowKey.FRAG_ANY | FlowKey.FRAG_LATER : FlowKey.FRAG_ANY;
        }
        key.layers |= FlowKey.L_IPV4;
        // The IP packet may be shorter than the frame (Ethernet padding) or claim more than it holds.
        int l3End = p + totalLength;
        if (l3End > end) {
            key.flags |= FlowKey.F_TRUNCATED;
            l3End = end;
        }
        key.l3Length = l3End - p;
        if ((key.ipFrag & FlowKey.FRAG_LATER) != 0) {
            return;
        }
        parseL4(b, off, p + ihl, l3End, key, true);
    }

    /** RFC 8200 §3, §4: fixed header, then extension headers up to the upper-layer header. */
    private static void parseIpv6(byte[] b, int off, int p, int end, FlowKey key) {
        if (end - p < IPV6_HEADER) {
            key.flags |= FlowKey.F_TRUNCATED;
            return;
        }
        int word0 = getI32(b, p);
        if ((word0 >>> 28) != 6) {
            key.flags |= FlowKey.F_MALFORMED;
            return;
        }
        int trafficClass = (word0 >>> 20) & 0xFF;
        key.ipDscp = trafficClass >>> 2;
        key.ipEcn = trafficClass & 0x03;
        key.ipv6FlowLabel = word0 & 0xF_FFFF;
        int payloadLength = getU16(b, p + 4);
        int next = getU8(b, p + 6);
        key.ipTtl = getU8(b, p + 7);
        key.ipv6SrcHi = getI64(b, p + 8);
        key.ipv6SrcLo = getI64(b, p + 16);
        key.ipv6DstHi = getI64(b, p + 24);
        key.ipv6DstLo = getI64(b, p + 32);
        key.layers |= FlowKey.L_IPV6;
        int l3End = p + IPV6_HEADER + payloadLength;
        if (l3End > end) {
            key.flags |= FlowKey.F_TRUNCATED;
            l3End = end;
        }
        key.l3Length = l3End - p;
        int q = p + IPV6_HEADER;
        for (int i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
            switch (next) {
                case IpProtocol.HOPOPT, IpProtocol.IPV6_ROUTE, IpProtocol.IPV6_OPTS -> {
                    if (l3End - q < 8) {
                        key.ipProto = next;
                        key.flags |= FlowKey.F_TRUNCATED;
                        return;
                    }
                    int extLen = (getU8(b, q + 1) + 1) * 8; // RFC 8200 §4.3: length in 8-octet units, not counting the first 8
                    if (l3End - q < extLen) {
                        key.ipProto = next;
                        key.flags |= FlowKey.F_TRUNCATED;
                        return;
                    }
                    next = getU8(b, q);
                    q += extLen;
                }
                case IpProtocol.IPV6_FRAG -> {
                    if (l3End - q < 8) {
                        key.ipProto = next;
                        key.flags |= FlowKey.F_TRUNCATED;
                        return;
                    }
                    int fragWord = getU16(b, q + 2); // RFC 8200 §4.5: offset (13 bits), res, M
                    int fragOffset = fragWord >>> 3;
                    key.ipFrag = fragOffset != 0 ? FlowKey.FRAG_ANY | FlowKey.FRAG_LATER : FlowKey.FRAG_ANY;
                    next = getU8(b, q);
                    q += 8;
                    if (fragOffset != 0) {
                        key.ipProto = next;
                        return;
                    }
                }
                default -> {
                    key.ipProto = next;
                    parseL4(b, off, q, l3End, key, false);
                    return;
                }
            }
        }
        // Too many extension headers: keep what we have, say why we stopped.
        key.ipProto = next;
        key.flags |= FlowKey.F_MALFORMED;
    }

    private static void parseL4(byte[] b, int off, int q, int l3End, FlowKey key, boolean inIpv4) {
        int avail = l3End - q;
        key.l4Offset = q - off;
        switch (key.ipProto) {
            case IpProtocol.UDP -> {
                if (avail < UDP_HEADER) {
                    key.flags |= FlowKey.F_TRUNCATED;
                    return;
                }
                key.tpSrc = getU16(b, q);
                key.tpDst = getU16(b, q + 2);
                key.layers |= FlowKey.L_UDP;
                key.payloadOffset = q + UDP_HEADER - off;
                if (key.tpDst == VXLAN_PORT && avail >= UDP_HEADER + VXLAN_HEADER
                        && (getU8(b, q + UDP_HEADER) & VXLAN_FLAG_I) != 0) {
                    key.vxlanVni = getI32(b, q + UDP_HEADER + 4) >>> 8;
                    key.layers |= FlowKey.L_VXLAN;
                    key.payloadOffset += VXLAN_HEADER;
                }
            }
            case IpProtocol.TCP -> {
                if (avail < TCP_MIN_HEADER) {
                    key.flags |= FlowKey.F_TRUNCATED;
                    return;
                }
                int dataOffset = (getU8(b, q + 12) >>> 4) * 4;
                if (dataOffset < TCP_MIN_HEADER) {
                    key.flags |= FlowKey.F_MALFORMED;
                    return;
                }
                key.tpSrc = getU16(b, q);
                key.tpDst = getU16(b, q + 2);
                key.tcpFlags = getU16(b, q + 12) & 0x0FFF;
                key.layers |= FlowKey.L_TCP;
                if (dataOffset > avail) {
                    key.flags |= FlowKey.F_TRUNCATED;
                    key.payloadOffset = l3End - off;
                } else {
                    key.payloadOffset = q + dataOffset - off;
                }
            }
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> {
                // ICMP (RFC 792) only inside IPv4, ICMPv6 (RFC 4443) only inside IPv6.
                if (inIpv4 != (key.ipProto == IpProtocol.ICMP)) {
                    key.l4Offset = 0;
                    return;
                }
                if (avail < ICMP_HEADER) {
                    key.flags |= FlowKey.F_TRUNCATED;
                    return;
                }
                key.icmpType = getU8(b, q);
                key.icmpCode = getU8(b, q + 1);
                key.layers |= inIpv4 ? FlowKey.L_ICMP : FlowKey.L_ICMPV6;
                key.payloadOffset = q + ICMP_HEADER - off;
            }
            default -> key.l4Offset = 0;
        }
    }
}
