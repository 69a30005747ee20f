package dev.iovirt.nfv.nat;

import static dev.iovirt.nfv.conntrack.Ipv4Packet.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.iovirt.nfv.Emitted;
import dev.iovirt.nfv.conntrack.Timeouts;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.capture.Dissector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

class NatTest {
    static final long S = 1_000_000_000L;
    static final MacAddress HOST_MAC = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress PEER_MAC = MacAddress.of("02:00:00:00:00:02");
    static final MacAddress NAT_IN = MacAddress.of("02:00:00:00:0a:00");
    static final MacAddress NAT_OUT = MacAddress.of("02:00:00:00:0a:01");
    static final Ipv4Address HOST = Ipv4Address.of("10.0.0.2");
    static final Ipv4Address PEER = Ipv4Address.of("198.51.100.9");
    static final Ipv4Address EXTERNAL = Ipv4Address.of("203.0.113.1");

    static Nat nat(Nat.Config config) {
        Nat n = new Nat(config);
        n.attach(List.of(NAT_IN, NAT_OUT));
        return n;
    }

    static byte[] udpOut(int port) {
        return PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).udp(port, 53).payload(33).build();
    }

    static byte[] udpBack(int externalPort) {
        return PacketBuilder.ethernet(PEER_MAC, NAT_OUT).ipv4(PEER, EXTERNAL).udp(53, externalPort).payload(33).build();
    }

    static Emitted.Frame only(List<Emitted.Frame> out, int port) {
        assertEquals(1, out.size(), "one frame out");
        assertEquals(port, out.get(0).port());
        return out.get(0);
    }

    /** Checks every checksum by recomputing it from scratch (RFC 1071) and by Pcap4J's dissection. */
    static void assertChecksumsValid(byte[] f) {
        int l3 = 14;
        int ihl = (f[l3] & 0x0F) * 4;
        assertEquals(0, Checksums.finish(Checksums.sum(f, l3, ihl, 0)), "IPv4 header checksum");
        int total = Bytes.getU16(f, l3 + 2);
        int protocol = f[l3 + 9] & 0xFF;
        int l4 = l3 + ihl;
        int l4Len = total - ihl;
        long pseudo = Checksums.pseudoHeaderIpv4(Bytes.getI32(f, l3 + 12), Bytes.getI32(f, l3 + 16), protocol, l4Len);
        long sum = Checksums.sum(f, l4, l4Len, protocol == IpProtocol.ICMP ? 0 : pseudo);
        assertEquals(0, Checksums.finish(sum), "L4 checksum of protocol " + protocol);

        Packet p = Dissector.packet(f);
        IpV4Packet ip = p.get(IpV4Packet.class);
        assertTrue(ip.getHeader().hasValidChecksum(false), "Pcap4J: IPv4 checksum");
        var src = ip.getHeader().getSrcAddr();
        var dst = ip.getHeader().getDstAddr();
        if (p.contains(UdpPacket.class)) {
            assertTrue(p.get(UdpPacket.class).hasValidChecksum(src, dst, false), "Pcap4J: UDP checksum");
        } else if (p.contains(TcpPacket.class)) {
            assertTrue(p.get(TcpPacket.class).hasValidChecksum(src, dst, false), "Pcap4J: TCP checksum");
        } else {
            assertTrue(p.get(IcmpV4CommonPacket.class).hasValidChecksum(false), "Pcap4J: ICMP checksum");
        }
    }

    @Test
    void insideUdpIsTranslatedToTheExternalAddressAndAPortWithValidChecksums() {
        Nat nat = nat(Nat.Config.of(EXTERNAL).withPorts(20000, 20099));
        byte[] out = only(Emitted.run(nat, Nat.INSIDE, udpOut(5000), 0), Nat.OUTSIDE).bytes();
        assertEquals(EXTERNAL.bits(), Bytes.getI32(out, 26), "source address");
        assertEquals(PEER.bits(), Bytes.getI32(out, 30));
        int port = Bytes.getU16(out, 34);
        assertTrue(port >= 20000 && port <= 20099, "port " + port);
        assertEquals(53, Bytes.getU16(out, 36));
        assertEquals(NAT_OUT.bits(), Bytes.getU48(out, 6), "source MAC: the NAT's outside MAC");
        assertEquals(PEER_MAC.bits(), Bytes.getU48(out, 0));
        assertChecksumsValid(out);
    }

    @Test
    void repliesAreTranslatedBackToTheInsideHostAndItsMac() {
        Nat nat = nat(Nat.Config.of(EXTERNAL));
        byte[] out = only(Emitted.run(nat, Nat.INSIDE, udpOut(5000), 0), Nat.OUTSIDE).bytes();
        int port = Bytes.getU16(out, 34);
        byte[] in = only(Emitted.run(nat, Nat.OUTSIDE, udpBack(port), S), Nat.INSIDE).bytes();
        assertEquals(PEER.bits(), Bytes.getI32(in, 26));
        assertEquals(HOST.bits(), Bytes.getI32(in, 30), "destination: the inside host");
        assertEquals(53, Bytes.getU16(in, 34));
        assertEquals(5000, Bytes.getU16(in, 36), "destination port: the host's own");
        assertEquals(HOST_MAC.bits(), Bytes.getU48(in, 0), "destination MAC restored from the connection");
        assertChecksumsValid(in);
        // The same flow keeps its port.
        assertEquals(port, Bytes.getU16(only(Emitted.run(nat, Nat.INSIDE, udpOut(5000), 2 * S), Nat.OUTSIDE).bytes(), 34));
    }

    @Test
    void unsolicitedOutsidePacketsAreDropped() {
        Nat nat = nat(Nat.Config.of(EXTERNAL));
        assertTrue(Emitted.run(nat, Nat.OUTSIDE, udpBack(20000), 0).isEmpty());
        assertEquals(1, nat.unsolicited());
    }

    @Test
    void everyFlowGetsItsOwnPortUntilTheRangeIsExhausted() {
        Nat nat = nat(Nat.Config.of(EXTERNAL).withPorts(30000, 30009));
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            ports.add(Bytes.getU16(only(Emitted.run(nat, Nat.INSIDE, udpOut(6000 + i), 0), Nat.OUTSIDE).bytes(), 34));
        }
        assertEquals(10, ports.size());
        assertTrue(Emitted.run(nat, Nat.INSIDE, udpOut(7000), 0).isEmpty());
        assertEquals(1, nat.portsExhausted());
        // When the flows time out (UDP, unreplied: 30 s) their ports come back.
        nat.tick(30 * S, new Emitted());
        assertEquals(0, nat.portsInUse(IpProtocol.UDP));
        assertEquals(1, Emitted.run(nat, Nat.INSIDE, udpOut(7000), 31 * S).size());
    }

    @Test
    void tcpAndIcmpEchoAreTranslatedWithValidChecksums() {
        Nat nat = nat(Nat.Config.of(EXTERNAL));
        byte[] syn = PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).tcp(40000, 443, TCP_SYN).seq(12345).build();
        byte[] out = only(Emitted.run(nat, Nat.INSIDE, syn, 0), Nat.OUTSIDE).bytes();
        assertChecksumsValid(out);
        int port = Bytes.getU16(out, 34);
        byte[] synAck = PacketBuilder.ethernet(PEER_MAC, NAT_OUT).ipv4(PEER, EXTERNAL).tcp(443, port, TCP_SYN | TCP_ACK).build();
        byte[] in = only(Emitted.run(nat, Nat.OUTSIDE, synAck, 1), Nat.INSIDE).bytes();
        assertEquals(40000, Bytes.getU16(in, 36));
        assertChecksumsValid(in);

        byte[] ping = PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).icmpEcho(true, 0x4242, 1).payload(32).build();
        out = only(Emitted.run(nat, Nat.INSIDE, ping, 2), Nat.OUTSIDE).bytes();
        int id = Bytes.getU16(out, 38);
        assertNotEquals(0x4242, id, "the echo identifier is translated");
        assertChecksumsValid(out);
        byte[] pong = PacketBuilder.ethernet(PEER_MAC, NAT_OUT).ipv4(PEER, EXTERNAL).icmpEcho(false, id, 1).payload(32).build();
        in = only(Emitted.run(nat, Nat.OUTSIDE, pong, 3), Nat.INSIDE).bytes();
        assertEquals(0x4242, Bytes.getU16(in, 38));
        assertEquals(HOST.bits(), Bytes.getI32(in, 30));
        assertChecksumsValid(in);
    }

    @Test
    void portForwardSendsOutsideConnectionsToTheInsideServerAndItsRepliesBack() {
        Nat nat = nat(Nat.Config.of(EXTERNAL).withForwards(List.of(new Nat.PortForward(IpProtocol.TCP, 8080, HOST, 80))));
        // The inside server has spoken once (its ARP), so the NAT knows its MAC.
        byte[] arp = PacketBuilder.ethernet(HOST_MAC, MacAddress.BROADCAST).arp(1, HOST_MAC, HOST, MacAddress.ZERO, PEER).build();
        Emitted.run(nat, Nat.INSIDE, arp, 0);
        byte[] syn = PacketBuilder.ethernet(PEER_MAC, NAT_OUT).ipv4(PEER, EXTERNAL).tcp(51000, 8080, TCP_SYN).build();
        byte[] in = only(Emitted.run(nat, Nat.OUTSIDE, syn, 1), Nat.INSIDE).bytes();
        assertEquals(HOST.bits(), Bytes.getI32(in, 30));
        assertEquals(80, Bytes.getU16(in, 36));
        assertEquals(HOST_MAC.bits(), Bytes.getU48(in, 0));
        assertChecksumsValid(in);
        byte[] synAck = PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).tcp(80, 51000, TCP_SYN | TCP_ACK).build();
        byte[] out = only(Emitted.run(nat, Nat.INSIDE, synAck, 2), Nat.OUTSIDE).bytes();
        assertEquals(EXTERNAL.bits(), Bytes.getI32(out, 26));
        assertEquals(8080, Bytes.getU16(out, 34));
        assertEquals(NAT_OUT.bits(), Bytes.getU48(out, 6));
        assertChecksumsValid(out);
        // A port that is not forwarded stays closed.
        byte[] other = PacketBuilder.ethernet(PEER_MAC, NAT_OUT).ipv4(PEER, EXTERNAL).tcp(51000, 8081, TCP_SYN).build();
        assertTrue(Emitted.run(nat, Nat.OUTSIDE, other, 3).isEmpty());
    }

    @Test
    void natAnswersArpForItsExternalAddressAndRelaysInsideRequestsAsItsOwn() {
        Nat nat = nat(Nat.Config.of(EXTERNAL));
        byte[] who = PacketBuilder.ethernet(PEER_MAC, MacAddress.BROADCAST).arp(1, PEER_MAC, PEER, MacAddress.ZERO, EXTERNAL).build();
        byte[] reply = only(Emitted.run(nat, Nat.OUTSIDE, who, 0), Nat.OUTSIDE).bytes();
        assertEquals(2, Bytes.getU16(reply, 20), "an ARP reply");
        assertEquals(NAT_OUT.bits(), Bytes.getU48(reply, 22), "sender MAC");
        assertEquals(EXTERNAL.bits(), Bytes.getI32(reply, 28), "sender address");
        assertEquals(PEER_MAC.bits(), Bytes.getU48(reply, 0));

        byte[] ask = PacketBuilder.ethernet(HOST_MAC, MacAddress.BROADCAST).arp(1, HOST_MAC, HOST, MacAddress.ZERO, PEER).build();
        byte[] relayed = only(Emitted.run(nat, Nat.INSIDE, ask, 1), Nat.OUTSIDE).bytes();
        assertEquals(NAT_OUT.bits(), Bytes.getU48(relayed, 22));
        assertEquals(EXTERNAL.bits(), Bytes.getI32(relayed, 28), "no inside address leaves");
        byte[] answer = PacketBuilder.ethernet(PEER_MAC, NAT_OUT).arp(2, PEER_MAC, PEER, NAT_OUT, EXTERNAL).build();
        byte[] back = only(Emitted.run(nat, Nat.OUTSIDE, answer, 2), Nat.INSIDE).bytes();
        assertEquals(HOST_MAC.bits(), Bytes.getU48(back, 0));
        assertEquals(PEER_MAC.bits(), Bytes.getU48(back, 22), "the peer's real MAC");
        assertEquals(HOST.bits(), Bytes.getI32(back, 38), "target: the host that asked");
    }

    @Test
    void fullConnectionTableGivesThePortBack() {
        Nat nat = nat(new Nat.Config(EXTERNAL, 1024, 65535, List.of(), 1, Timeouts.linuxDefaults()));
        assertEquals(1, Emitted.run(nat, Nat.INSIDE, udpOut(1), 0).size());
        assertTrue(Emitted.run(nat, Nat.INSIDE, udpOut(2), 0).isEmpty());
        assertEquals(1, nat.portsInUse(IpProtocol.UDP));
        assertEquals(1L, nat.counters().get("table-full-dropped"));
    }

    @Test
    void udpWithoutChecksumKeepsNone() {
        Nat nat = nat(Nat.Config.of(EXTERNAL));
        byte[] f = udpOut(5000);
        Bytes.putU16(f, 40, 0);
        byte[] out = only(Emitted.run(nat, Nat.INSIDE, f, 0), Nat.OUTSIDE).bytes();
        assertEquals(0, Bytes.getU16(out, 40));
    }

    @Test
    void malformedFramesAreDroppedAndCountedNeverThrown() {
        Nat nat = nat(Nat.Config.of(EXTERNAL));
        java.util.Random random = new java.util.Random(5);
        byte[] good = udpOut(5000);
        for (int i = 0; i < 20_000; i++) {
            byte[] f = good.clone();
            for (int k = 0; k < 4; k++) {
                f[12 + random.nextInt(f.length - 12)] = (byte) random.nextInt();
            }
            nat.process(random.nextInt(3), f, 0, random.nextInt(f.length + 1), i, (p, b, o, l) -> { });
        }
        assertTrue(nat.counters().get("malformed-dropped") > 0);
    }
}
