package dev.iovirt.nfv.conntrack;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.IpProtocol;

/**
 * One Ethernet/IPv4 frame's headers as the trackers need them, parsed in place into this reusable
 * holder (one per function: parsing allocates nothing). Offsets point into the caller's array, so a
 * function that rewrites the frame uses them directly.
 *
 * <p>{@link #parse} accepts untagged Ethernet II with IPv4 (RFC 791 §3.1) carrying TCP, UDP or ICMP
 * whose L4 header lies wholly inside the packet; it says what it found in {@link #kind}. Fragments
 * other than the first carry no L4 header (RFC 791 §3.2) and are reported as {@link Kind#FRAGMENT}.
 */
public final class Ipv4Packet {
    /** What a frame turned out to be. */
    public enum Kind {
        /** IPv4 with a complete TCP, UDP or ICMP header (or another protocol, with ports 0). */
        IPV4,
        /** An ARP frame (RFC 826). */
        ARP,
        /** Neither IPv4 nor ARP (IPv6, LLDP, VLAN-tagged, ...). */
        OTHER,
        /** An IPv4 fragment: no L4 header to track. */
        FRAGMENT,
        /** Too short, a bad IHL or total length, or a truncated L4 header. */
        MALFORMED
    }

    public static final int ETH_HEADER = 14;
    /** RFC 792: echo reply and echo request types. */
    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_ECHO_REQUEST = 8;
    /** RFC 9293 §3.1: TCP control bits. */
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    public Kind kind;
    /** Offset of the IPv4 header in the frame. */
    public int l3;
    /** Offset of the L4 header in the frame. */
    public int l4;
    /** The IPv4 total length (bytes from {@link #l3}). */
    public int ipLength;
    public int protocol;
    public int source;
    public int destination;
    /** TCP/UDP source port; for ICMP echo the identifier (RFC 792), which conntrack treats as the port. */
    public int sourcePort;
    /** TCP/UDP destination port; 0 for ICMP. */
    public int destinationPort;
    /** ICMP type, or -1. */
    public int icmpType;
    /** TCP control bits, or 0. */
    public int tcpFlags;

    /** Parses {@code frame[off, off+len)}; returns {@link #kind}. */
    public Kind parse(byte[] frame, int off, int len) {
        icmpType = -1;
        tcpFlags = 0;
        sourcePort = 0;
        destinationPort = 0;
        if (len < ETH_HEADER) {
            return kind = Kind.MALFORMED;
        }
        int type = Bytes.getU16(frame, off + 12);
        if (type == EtherType.ARP) {
            return kind = Kind.ARP;
        }
        if (type != EtherType.IPV4) {
            return kind = Kind.OTHER;
        }
        l3 = off + ETH_HEADER;
        int avail = len - ETH_HEADER;
        if (avail < 20) {
            return kind = Kind.MALFORMED;
        }
        int vihl = frame[l3] & 0xFF;
        int ihl = (vihl & 0x0F) * 4;
        ipLength = Bytes.getU16(frame, l3 + 2);
        // RFC 791 §3.1: version 4, IHL >= 5 words, total length covering the header and within the frame.
        if ((vihl >>> 4) != 4 || ihl < 20 || ipLength < ihl || ipLength > avail) {
            return kind = Kind.MALFORMED;
        }
        protocol = frame[l3 + 9] & 0xFF;
        source = Bytes.getI32(frame, l3 + 12);
        destination = Bytes.getI32(frame, l3 + 16);
        l4 = l3 + ihl;
        int fragment = Bytes.getU16(frame, l3 + 6) & 0x1FFF;
        if (fragment != 0) {
            return kind = Kind.FRAGMENT;
        }
        int l4Len = ipLength - ihl;
        switch (protocol) {
            case IpProtocol.TCP -> {
                // RFC 9293 §3.1: a 20-byte header at least; data offset within the segment.
                if (l4Len < 20 || ((frame[l4 + 12] & 0xF0) >>> 2) < 20 || ((frame[l4 + 12] & 0xF0) >>> 2) > l4Len) {
                    return kind = Kind.MALFORMED;
                }
                sourcePort = Bytes.getU16(frame, l4);
                destinationPort = Bytes.getU16(frame, l4 + 2);
                tcpFlags = frame[l4 + 13] & 0x3F;
            }
            case IpProtocol.UDP -> {
                // RFC 768: 8-byte header; its length field within the IP payload.
                int udpLength = l4Len >= 8 ? Bytes.getU16(frame, l4 + 4) : 0;
                if (l4Len < 8 || udpLength < 8 || udpLength > l4Len) {
                    return kind = Kind.MALFORMED;
                }
                sourcePort = Bytes.getU16(frame, l4);
                destinationPort = Bytes.getU16(frame, l4 + 2);
            }
            case IpProtocol.ICMP -> {
                // RFC 792: type, code, checksum, then (echo) identifier and sequence number.
                if (l4Len < 8) {
                    return kind = Kind.MALFORMED;
                }
                icmpType = frame[l4] & 0xFF;
                if (isIcmpEcho()) {
                    sourcePort = Bytes.getU16(frame, l4 + 4);
                }
            }
            default -> {
            }
        }
        return kind = Kind.IPV4;
    }

    /** Whether this is an ICMP echo request or reply, the only ICMP messages conntrack tracks. */
    public boolean isIcmpEcho() {
        return protocol == IpProtocol.ICMP && (icmpType == ICMP_ECHO_REQUEST || icmpType == ICMP_ECHO_REPLY);
    }

    /** Whether this packet's protocol is one the connection table tracks (TCP, UDP, ICMP echo). */
    public boolean trackable() {
        return protocol == IpProtocol.TCP || protocol == IpProtocol.UDP || isIcmpEcho();
    }
}
