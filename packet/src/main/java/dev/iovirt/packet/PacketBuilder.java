package dev.iovirt.packet;

import java.util.Arrays;

/**
 * Builds well-formed Ethernet frames layer by layer, with lengths and checksums filled in: for
 * tests, guest network stacks and appliances.
 *
 * <pre>{@code
 * byte[] frame = PacketBuilder.ethernet(src, dst)
 *         .vlan(100)
 *         .ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2"))
 *         .udp(5000, 53)
 *         .payload(query)
 *         .build();
 * }</pre>
 *
 * Frames are padded to the 60-byte Ethernet minimum (IEEE 802.3 §3.2.9, without FCS) unless
 * {@link #noPadding()} is called. A builder is reusable: each {@code build} serializes anew.
 */
public final class PacketBuilder {
    /** Minimum Ethernet frame length without the 4-byte FCS. */
    public static final int MIN_FRAME = 60;

    private enum L3 { NONE, ARP, IPV4, IPV6 }

    private enum L4 { NONE, UDP, TCP, ICMP, ICMPV6 }

    private final long src;
    private final long dst;
    private int etherType = -1;
    private final int[] tags = new int[4]; // (tpid << 16 | tci) per tag
    private int tagCount;

    private L3 l3 = L3.NONE;
    private int arpOp;
    private long arpSha;
    private long arpTha;
    private int arpSpa;
    private int arpTpa;
    private int ipv4Src;
    private int ipv4Dst;
    private Ipv6Address ipv6Src;
    private Ipv6Address ipv6Dst;
    private int ttl = 64;
    private int dscp;
    private int ecn;
    private int ipId;
    private boolean dontFragment;
    private int fragOffset;
    private boolean moreFragments;
    private int flowLabel;
    private int ipProtocol = -1;

    private L4 l4 = L4.NONE;
    private int srcPort;
    private int dstPort;
    private int tcpFlags;
    private long tcpSeq;
    private long tcpAck;
    private int tcpWindow = 65535;
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private int vxlanVni = -1;
    private boolean zeroUdpChecksum;

    private byte[] payload = new byte[0];
    private boolean pad = true;

    private PacketBuilder(long src, long dst) {
        this.src = src;
        this.dst = dst;
    }

    public static PacketBuilder ethernet(MacAddress src, MacAddress dst) {
        return new PacketBuilder(src.bits(), dst.bits());
    }

    /** Adds an 802.1Q C-TAG with priority 0; call twice for QinQ (outer first). */
    public PacketBuilder vlan(int vid) {
        return vlan(EtherType.VLAN, 0, vid);
    }

    /** Adds a tag with the given TPID (0x8100 or 0x88a8), PCP and VID; tags are written outer first. */
    public PacketBuilder vlan(int tpid, int pcp, int vid) {
        if (tagCount == tags.length) {
            throw new IllegalStateException("at most " + tags.length + " VLAN tags");
        }
        tags[tagCount++] = tpid << 16 | (pcp & 7) << 13 | (vid & 0xFFF);
        return this;
    }

    /** Sets a raw EtherType with the payload as the whole L3 content (no L3 header built). */
    public PacketBuilder etherType(int type) {
        this.etherType = type;
        return this;
    }

    /** An Ethernet/IPv4 ARP packet (RFC 826); op 1 = request, 2 = reply. */
    public PacketBuilder arp(int op, MacAddress sha, Ipv4Address spa, MacAddress tha, Ipv4Address tpa) {
        l3 = L3.ARP;
        arpOp = op;
        arpSha = sha.bits();
        arpSpa = spa.bits();
        arpTha = tha.bits();
        arpTpa = tpa.bits();
        return this;
    }

    public PacketBuilder ipv4(Ipv4Address source, Ipv4Address destination) {
        l3 = L3.IPV4;
        ipv4Src = source.bits();
        ipv4Dst = destination.bits();
        return this;
    }

    public PacketBuilder ipv6(Ipv6Address source, Ipv6Address destination) {
        l3 = L3.IPV6;
        ipv6Src = source;
        ipv6Dst = destination;
        return this;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public PacketBuilder ttl(int value) {
        ttl = value;
        return this;
    }

    public PacketBuilder dscp(int value) {
        dscp = value;
        return this;
    }

    public PacketBuilder ecn(int value) {
        ecn = value;
        return this;
    }

    public PacketBuilder ipId(int value) {
        ipId = value;
        return this;
    }

    public PacketBuilder dontFragment(boolean value) {
        dontFragment = value;
        return this;
    }

    /** Makes an IPv4 fragment: offset in bytes (a multiple of 8) and the MF flag. */
    public PacketBuilder fragment(int offsetBytes, boolean more) {
        fragOffset = offsetBytes / 8;
        moreFragments = more;
        return this;
    }

    public PacketBuilder flowLabel(int label) {
        flowLabel = label;
        return this;
    }

    /** Sets the IP protocol for a payload with no L4 header built. */
    public PacketBuilder ipProtocol(int protocol) {
        ipProtocol = protocol;
        return this;
    }

    public PacketBuilder udp(int sourcePort, int destinationPort) {
        l4 = L4.UDP;
        srcPort = sourcePort;
        dstPort = destinationPort;
        return this;
    }

    /** A TCP segment; {@code flags} are the low 12 bits of header word 6 (FIN=0x01, SYN=0x02, RST=0x04, PSH=0x08, ACK=0x10). */
    public PacketBuilder tcp(int sourcePort, int destinationPort, int flags) {
        l4 = L4.TCP;
        srcPort = sourcePort;
        dstPort = destinationPort;
        tcpFlags = flags;
        return this;
    }

    public PacketBuilder seq(long value) {
        tcpSeq = value;
        return this;
    }

    public PacketBuilder ack(long value) {
        tcpAck = value;
        return this;
    }

    public PacketBuilder window(int value) {
        tcpWindow = value;
        return this;
    }

    /** An ICMP message (RFC 792) with its second header word ({@code rest}, e.g. id and sequence). */
    public PacketBuilder icmp(int type, int code, int rest) {
        l4 = L4.ICMP;
        icmpType = type;
        icmpCode = code;
        icmpRest = rest;
        return this;
    }

    /** ICMP echo request (type 8) or reply (type 0) with identifier and sequence number. */
    public PacketBuilder icmpEcho(boolean request, int id, int sequence) {
        return icmp(request ? 8 : 0, 0, (id & 0xFFFF) << 16 | (sequence & 0xFFFF));
    }

    /** An ICMPv6 message (RFC 4443) with its second header word. */
    public PacketBuilder icmpv6(int type, int code, int rest) {
        l4 = L4.ICMPV6;
        icmpType = type;
        icmpCode = code;
        icmpRest = rest;
        return this;
    }

    /**
     * Puts a VXLAN header (RFC 7348 §5, I flag set) in front of the payload, which should then be the
     * inner Ethernet frame. Requires {@link #udp}; the outer UDP checksum is sent as zero as §5 advises.
     */
    public PacketBuilder vxlan(Vni vni) {
        vxlanVni = vni.value();
        zeroUdpChecksum = true;
        return this;
    }

    public PacketBuilder payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    /** A payload of {@code size} bytes counting up from 0 (mod 256). */
    public PacketBuilder payload(int size) {
        payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) i;
        }
        return this;
    }

    /** Does not pad the frame to 60 bytes. */
    public PacketBuilder noPadding() {
        pad = false;
        return this;
    }

    /** The frame's length as {@link #build()} would make it. */
    public int length() {
        int n = l2Length() + l3Length();
        return pad ? Math.max(n, MIN_FRAME) : n;
    }

    public byte[] build() {
        byte[] out = new byte[length()];
        writeTo(out, 0);
        return out;
    }

    /** Builds into a frame's buffer; false if it does not fit. */
    public boolean writeTo(Frame frame) {
        byte[] b = build();
        return frame.copyFrom(b, 0, b.length);
    }

    /** Serializes into {@code out[off..]} and returns the length written. */
    public int writeTo(byte[] out, int off) {
        int total = length();
        Arrays.fill(out, off, off + total, (byte) 0);
        Bytes.putU48(out, off, dst);
        Bytes.putU48(out, off + 6, src);
        int p = off + 12;
        for (int i = 0; i < tagCount; i++) {
            Bytes.putU16(out, p, tags[i] >>> 16);
            Bytes.putU16(out, p + 2, tags[i] & 0xFFFF);
            p += 4;
        }
        Bytes.putU16(out, p, innerEtherType());
        p += 2;
        switch (l3) {
            case ARP -> writeArp(out, p);
            case IPV4 -> writeIpv4(out, p);
            case IPV6 -> writeIpv6(out, p);
            case NONE -> System.arraycopy(payload, 0, out, p, payload.length);
        }
        return total;
    }

    private int innerEtherType() {
        if (etherType >= 0) {
            return etherType;
        }
        return switch (l3) {
            case ARP -> EtherType.ARP;
            case IPV4 -> EtherType.IPV4;
            case IPV6 -> EtherType.IPV6;
            case NONE -> throw new IllegalStateException("no L3 layer and no etherType() set");
        };
    }

    private int l2Length() {
        return 14 + 4 * tagCount;
    }

    private int l3Length() {
        return switch (l3) {
            case ARP -> 28;
            case IPV4 -> 20 + l4Length();
            case IPV6 -> 40 + l4Length();
            case NONE -> payload.length;
        };
    }

    private int l4Length() {
        int body = payload.length + (vxlanVni >= 0 ? 8 : 0);
        return switch (l4) {
            case UDP -> 8 + body;
            case TCP -> 20 + body;
            case ICMP, ICMPV6 -> 8 + body;
            case NONE -> body;
        };
    }

    private int l4Protocol() {
        return switch (l4) {
            case UDP -> IpProtocol.UDP;
            case TCP -> IpProtocol.TCP;
            case ICMP -> IpProtocol.ICMP;
            case ICMPV6 -> IpProtocol.ICMPV6;
            case NONE -> {
                if (ipProtocol < 0) {
                    throw new IllegalStateException("no L4 layer and no ipProtocol() set");
                }
                yield ipProtocol;
            }
        };
    }

    private void writeArp(byte[] out, int p) {
        Bytes.putU16(out, p, 1);                  // htype Ethernet
        Bytes.putU16(out, p + 2, EtherType.IPV4); // ptype
        out[p + 4] = 6;
        out[p + 5] = 4;
        Bytes.putU16(out, p + 6, arpOp);
        Bytes.putU48(out, p + 8, arpSha);
        Bytes.putI32(out, p + 14, arpSpa);
        Bytes.putU48(out, p + 18, arpTha);
        Bytes.putI32(out, p + 24, arpTpa);
    }

    private void writeIpv4(byte[] out, int p) {
        int l4len = l4Length();
        int proto = l4Protocol();
        out[p] = 0x45;
        out[p + 1] = (byte) (dscp << 2 | ecn & 3);
        Bytes.putU16(out, p + 2, 20 + l4len);
        Bytes.putU16(out, p + 4, ipId);
        Bytes.putU16(out, p + 6, (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | fragOffset & 0x1FFF);
        out[p + 8] = (byte) ttl;
        out[p + 9] = (byte) proto;
        Bytes.putI32(out, p + 12, ipv4Src);
        Bytes.putI32(out, p + 16, ipv4Dst);
        Bytes.putU16(out, p + 10, Checksums.internet(out, p, 20));
        writeL4(out, p + 20, l4len, Checksums.pseudoHeaderIpv4(ipv4Src, ipv4Dst, proto, l4len));
    }

    private void writeIpv6(byte[] out, int p) {
        int l4len = l4Length();
        int proto = l4Protocol();
        int tc = dscp << 2 | ecn & 3;
        Bytes.putI32(out, p, 6 << 28 | tc << 20 | flowLabel & 0xF_FFFF);
        Bytes.putU16(out, p + 4, l4len);
        out[p + 6] = (byte) proto;
        out[p + 7] = (byte) ttl;
        ipv6Src.write(out, p + 8);
        ipv6Dst.write(out, p + 24);
        writeL4(out, p + 40, l4len, Checksums.pseudoHeaderIpv6(ipv6Src, ipv6Dst, proto, l4len));
    }

    private void writeL4(byte[] out, int q, int l4len, long pseudo) {
        int body = q;
        switch (l4) {
            case UDP -> {
                Bytes.putU16(out, q, srcPort);
                Bytes.putU16(out, q + 2, dstPort);
                Bytes.putU16(out, q + 4, l4len);
                body = q + 8;
            }
            case TCP -> {
                Bytes.putU16(out, q, srcPort);
                Bytes.putU16(out, q + 2, dstPort);
                Bytes.putI32(out, q + 4, (int) tcpSeq);
                Bytes.putI32(out, q + 8, (int) tcpAck);
                Bytes.putU16(out, q + 12, 5 << 12 | tcpFlags & 0x0FFF);
                Bytes.putU16(out, q + 14, tcpWindow);
                body = q + 20;
            }
            case ICMP, ICMPV6 -> {
                out[q] = (byte) icmpType;
                out[q + 1] = (byte) icmpCode;
                Bytes.putI32(out, q + 4, icmpRest);
                body = q + 8;
            }
            case NONE -> {
            }
        }
        if (vxlanVni >= 0) {
            out[body] = (byte) 0x08; // RFC 7348 §5: flags, I set
            Bytes.putI32(out, body + 4, vxlanVni << 8);
            body += 8;
        }
        System.arraycopy(payload, 0, out, body, payload.length);
        switch (l4) {
            case UDP -> {
                if (!zeroUdpChecksum) {
                    int c = Checksums.finish(Checksums.sum(out, q, l4len, pseudo));
                    Bytes.putU16(out, q + 6, c == 0 ? 0xFFFF : c); // RFC 768: a computed zero is sent as all ones
                }
            }
            case TCP -> Bytes.putU16(out, q + 16, Checksums.finish(Checksums.sum(out, q, l4len, pseudo)));
            case ICMP -> Bytes.putU16(out, q + 2, Checksums.internet(out, q, l4len));
            case ICMPV6 -> Bytes.putU16(out, q + 2, Checksums.finish(Checksums.sum(out, q, l4len, pseudo)));
            case NONE -> {
            }
        }
    }
}
