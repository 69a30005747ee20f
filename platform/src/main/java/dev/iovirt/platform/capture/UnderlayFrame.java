package dev.iovirt.platform.capture;

import java.net.InetSocketAddress;

/**
 * The frame a VXLAN datagram (RFC 7348 §5) is on the underlay, for a capture: an Ethernet header,
 * an IPv4 header (RFC 791) with the real VTEP addresses, a UDP header (RFC 768) and the datagram's
 * payload (the VXLAN header and the inner frame), as tcpdump on a hypervisor's physical NIC shows
 * it.
 *
 * <p>What is synthesized, because a run's underlay is the loopback interface, which has neither:
 * the Ethernet addresses ({@code 02:00} and the IPv4 address, a locally administered MAC per VTEP),
 * and the UDP destination port, written as VXLAN's well-known 4789 (RFC 7348 §5, what Wireshark
 * decodes as VXLAN) while the run's VTEPs listen on ephemeral ports so that several runs can share
 * one machine; the source port is the sending VTEP's real one. The IPv4 identification counts the
 * datagrams of the capture point, DF is set (RFC 7348 §4.3: VTEPs do not fragment), TTL is 64, and
 * the UDP checksum is 0 (RFC 7348 §5: SHOULD be transmitted as zero over IPv4).
 */
public final class UnderlayFrame {
    /** VXLAN's IANA-assigned UDP port (RFC 7348 §5). */
    public static final int VXLAN_PORT = 4789;
    /** Ethernet (14), IPv4 (20) and UDP (8) headers. */
    public static final int OVERHEAD = 14 + 20 + 8;
    /** The VXLAN header (RFC 7348 §5) between the UDP header and the inner frame. */
    public static final int VXLAN_HEADER = 8;

    private int identification;

    /** The frame of {@code payload} sent from {@code source} to {@code destination}. */
    public byte[] frame(InetSocketAddress source, InetSocketAddress destination, byte[] payload, int offset, int length) {
        byte[] src = source.getAddress().getAddress();
        byte[] dst = destination.getAddress().getAddress();
        if (src.length != 4 || dst.length != 4) {
            throw new IllegalArgumentException("an IPv4 underlay is expected, not " + source + " -> " + destination);
        }
        byte[] f = new byte[OVERHEAD + length];
        // Ethernet II: destination, source, EtherType IPv4.
        mac(f, 0, dst);
        mac(f, 6, src);
        f[12] = 0x08;
        f[13] = 0x00;
        // IPv4 (RFC 791 §3.1).
        int ip = 14;
        int total = 20 + 8 + length;
        f[ip] = 0x45;
        put16(f, ip + 2, total);
        put16(f, ip + 4, identification++ & 0xFFFF);
        put16(f, ip + 6, 0x4000); // DF
        f[ip + 8] = 64;
        f[ip + 9] = 17; // UDP
        System.arraycopy(src, 0, f, ip + 12, 4);
        System.arraycopy(dst, 0, f, ip + 16, 4);
        put16(f, ip + 10, checksum(f, ip, 20));
        // UDP (RFC 768).
        int udp = ip + 20;
        put16(f, udp, source.getPort());
        put16(f, udp + 2, VXLAN_PORT);
        put16(f, udp + 4, 8 + length);
        System.arraycopy(payload, offset, f, OVERHEAD, length);
        return f;
    }

    private static void mac(byte[] f, int at, byte[] ip) {
        f[at] = 0x02;
        f[at + 1] = 0x00;
        System.arraycopy(ip, 0, f, at + 2, 4);
    }

    private static void put16(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 8);
        f[at + 1] = (byte) v;
    }

    /** The Internet checksum (RFC 1071) of {@code f[at, at + len)}. */
    static int checksum(byte[] f, int at, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((f[at + i] & 0xFF) << 8) | (i + 1 < len ? f[at + i + 1] & 0xFF : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
