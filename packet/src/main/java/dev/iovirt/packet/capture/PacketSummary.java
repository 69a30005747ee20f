package dev.iovirt.packet.capture;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line per frame in the manner of {@code tcpdump -e}: time, link addresses, each layer with
 * its addresses and ports, and lengths. VXLAN frames show the outer line followed by the inner
 * frame's. Times are UTC with microseconds, so output does not depend on the machine's zone.
 *
 * <pre>
 * 11:00:41.000001 02:00:00:00:00:01 &gt; 02:00:00:00:00:02, IPv4, length 98: 10.0.0.1 &gt; 10.0.0.2: ICMP echo request, id 1, seq 1, length 64
 * </pre>
 */
public final class PacketSummary {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    /** Bound on nested VXLAN frames shown, so a crafted capture cannot recurse deeply. */
    private static final int MAX_NESTING = 4;

    private PacketSummary() {
    }

    /** The line for a captured frame, with its timestamp. */
    public static String format(CapturedFrame frame) {
        return TIME.format(Instant.ofEpochSecond(0, frame.timestampNanos())) + " "
                + describe(frame.data(), frame.originalLength());
    }

    /** The line for a frame without a timestamp. */
    public static String describe(byte[] frame, int originalLength) {
        StringBuilder sb = new StringBuilder(128);
        describe(frame, 0, frame.length, originalLength, sb, 0);
        return sb.toString();
    }

    private static void describe(byte[] b, int off, int len, int origLen, StringBuilder sb, int depth) {
        FlowKey k = FlowKeyParser.parse(b, off, len, 0, new FlowKey());
        if (!k.has(FlowKey.L_ETH)) {
            sb.append("[|ether] length ").append(origLen);
            return;
        }
        sb.append(MacAddress.format(k.ethSrc())).append(" > ").append(MacAddress.format(k.ethDst())).append(", ");
        if (k.vlanCount() > 0) {
            sb.append(k.vlanTpid() == EtherType.QINQ ? "802.1ad" : "802.1Q").append(" vlan ").append(k.vlanVid())
                    .append(", p ").append(k.vlanPcp()).append(", ");
            if (k.vlanCount() > 1) {
                sb.append("802.1Q vlan ").append(k.innerVlanVid()).append(", p ").append(k.innerVlanTci() >>> 13).append(", ");
            }
        }
        if (k.ethType() == FlowKey.ETH_TYPE_NONE) {
            sb.append("802.3, length ").append(origLen);
            return;
        }
        sb.append(EtherType.name(k.ethType())).append(", length ").append(origLen).append(": ");
        int l3 = off + k.l3Offset();
        switch (k.ethType()) {
            case EtherType.ARP -> arp(k, sb);
            case EtherType.IPV4 -> {
                if (!k.has(FlowKey.L_IPV4)) {
                    sb.append(k.isMalformed() ? "[bad IPv4 header]" : "[|ip]");
                    return;
                }
                ip(b, off, k, Ipv4Address.format(k.ipv4Src()), Ipv4Address.format(k.ipv4Dst()), sb, depth);
                if (k.ipFrag() != 0) {
                    int fw = Bytes.getU16(b, l3 + 6);
                    sb.append(" (frag ").append(Bytes.getU16(b, l3 + 4)).append(':').append(k.l3Length() - 20)
                            .append('@').append((fw & 0x1FFF) * 8).append((fw & 0x2000) != 0 ? "+" : "").append(')');
                }
            }
            case EtherType.IPV6 -> {
                if (!k.has(FlowKey.L_IPV6)) {
                    sb.append(k.isMalformed() ? "[bad IPv6 header]" : "[|ip6]");
                    return;
                }
                ip(b, off, k, Ipv6Address.format(k.ipv6SrcHi(), k.ipv6SrcLo()),
                        Ipv6Address.format(k.ipv6DstHi(), k.ipv6DstLo()), sb, depth);
            }
            default -> sb.append("unparsed payload");
        }
        if (k.isTruncated() && sb.indexOf("[|") < 0) {
            sb.append(" [|truncated]");
        }
    }

    private static void arp(FlowKey k, StringBuilder sb) {
        if (!k.has(FlowKey.L_ARP)) {
            sb.append(k.isMalformed() ? "ARP, unsupported hardware or protocol type" : "[|arp]");
            return;
        }
        switch (k.arpOp()) {
            case 1 -> sb.append("Request who-has ").append(Ipv4Address.format(k.arpTpa()))
                    .append(" tell ").append(Ipv4Address.format(k.arpSpa()));
            case 2 -> sb.append("Reply ").append(Ipv4Address.format(k.arpSpa()))
                    .append(" is-at ").append(MacAddress.format(k.arpSha()));
            default -> sb.append("ARP op ").append(k.arpOp()).append(' ').append(Ipv4Address.format(k.arpSpa()))
                    .append(" > ").append(Ipv4Address.format(k.arpTpa()));
        }
        sb.append(", length 28");
    }

    private static void ip(byte[] b, int off, FlowKey k, String src, String dst, StringBuilder sb, int depth) {
        int l4 = off + k.l4Offset();
        int l4Len = k.l3Length() - (k.l4Offset() - k.l3Offset());
        if (k.has(FlowKey.L_UDP) || k.has(FlowKey.L_TCP)) {
            sb.append(src).append('.').append(k.tpSrc()).append(" > ").append(dst).append('.').append(k.tpDst()).append(": ");
        } else {
            sb.append(src).append(" > ").append(dst).append(": ");
        }
        if (k.has(FlowKey.L_UDP)) {
            if (k.has(FlowKey.L_VXLAN)) {
                int vx = l4 + 8;
                sb.append(String.format("VXLAN, flags [I] (0x%02x), vni %d", b[vx] & 0xFF, k.vxlanVni()));
                int inner = off + k.payloadOffset();
                int innerLen = Math.min(off + k.l3Offset() + k.l3Length(), b.length) - inner;
                if (depth < MAX_NESTING && innerLen > 0) {
                    sb.append(": ");
                    describe(b, inner, innerLen, innerLen, sb, depth + 1);
                }
            } else {
                sb.append("UDP, length ").append(Math.max(0, Bytes.getU16(b, l4 + 4) - 8));
            }
        } else if (k.has(FlowKey.L_TCP)) {
            tcp(b, l4, l4Len, k, sb);
        } else if (k.has(FlowKey.L_ICMP)) {
            icmp(b, l4, l4Len, k, sb);
        } else if (k.has(FlowKey.L_ICMPV6)) {
            icmpv6(b, l4, l4Len, k, sb);
        } else if ((k.ipFrag() & FlowKey.FRAG_LATER) != 0) {
            sb.append(IpProtocol.name(k.ipProto()));
        } else if (k.isTruncated()) {
            sb.append("[|").append(IpProtocol.name(k.ipProto()).toLowerCase()).append(']');
        } else {
            sb.append(IpProtocol.name(k.ipProto())).append(", length ").append(l4Len);
        }
    }

    private static void tcp(byte[] b, int q, int l4Len, FlowKey k, StringBuilder sb) {
        int flags = k.tcpFlags();
        StringBuilder f = new StringBuilder();
        if ((flags & 0x02) != 0) f.append('S');
        if ((flags & 0x01) != 0) f.append('F');
        if ((flags & 0x04) != 0) f.append('R');
        if ((flags & 0x08) != 0) f.append('P');
        if ((flags & 0x20) != 0) f.append('U');
        if ((flags & 0x40) != 0) f.append('E');
        if ((flags & 0x80) != 0) f.append('W');
        if ((flags & 0x10) != 0) f.append('.');
        if (f.isEmpty()) f.append("none");
        int dataOffset = (Bytes.getU8(b, q + 12) >>> 4) * 4;
        sb.append("Flags [").append(f).append("], seq ").append(Bytes.getU32(b, q + 4));
        if ((flags & 0x10) != 0) {
            sb.append(", ack ").append(Bytes.getU32(b, q + 8));
        }
        sb.append(", win ").append(Bytes.getU16(b, q + 14)).append(", length ").append(Math.max(0, l4Len - dataOffset));
    }

    private static void icmp(byte[] b, int q, int l4Len, FlowKey k, StringBuilder sb) {
        sb.append("ICMP ");
        switch (k.icmpType()) {
            case 0, 8 -> {
                sb.append(k.icmpType() == 8 ? "echo request" : "echo reply");
                if (l4Len >= 8) {
                    sb.append(", id ").append(Bytes.getU16(b, q + 4)).append(", seq ").append(Bytes.getU16(b, q + 6));
                }
            }
            case 3 -> sb.append("destination unreachable, code ").append(k.icmpCode());
            case 11 -> sb.append("time exceeded, code ").append(k.icmpCode());
            default -> sb.append("type ").append(k.icmpType()).append(", code ").append(k.icmpCode());
        }
        sb.append(", length ").append(l4Len);
    }

    private static void icmpv6(byte[] b, int q, int l4Len, FlowKey k, StringBuilder sb) {
        sb.append("ICMP6, ");
        switch (k.icmpType()) {
            case 128, 129 -> {
                sb.append(k.icmpType() == 128 ? "echo request" : "echo reply");
                if (l4Len >= 8) {
                    sb.append(", id ").append(Bytes.getU16(b, q + 4)).append(", seq ").append(Bytes.getU16(b, q + 6));
                }
            }
            case 135 -> sb.append("neighbor solicitation");
            case 136 -> sb.append("neighbor advertisement");
            default -> sb.append("type ").append(k.icmpType()).append(", code ").append(k.icmpCode());
        }
        sb.append(", length ").append(l4Len);
    }
}
