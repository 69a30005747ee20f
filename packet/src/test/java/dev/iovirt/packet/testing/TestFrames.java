package dev.iovirt.packet.testing;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.Vni;

/** Well-known addresses and one frame of each kind the packet module parses; shared by tests of later modules. */
public final class TestFrames {
    public static final MacAddress MAC_A = MacAddress.of("02:00:00:00:00:0a");
    public static final MacAddress MAC_B = MacAddress.of("02:00:00:00:00:0b");
    public static final MacAddress MAC_VTEP_1 = MacAddress.of("02:00:00:00:01:01");
    public static final MacAddress MAC_VTEP_2 = MacAddress.of("02:00:00:00:01:02");
    public static final Ipv4Address IP_A = Ipv4Address.of("10.0.0.1");
    public static final Ipv4Address IP_B = Ipv4Address.of("10.0.0.2");
    public static final Ipv4Address VTEP_1 = Ipv4Address.of("192.168.100.1");
    public static final Ipv4Address VTEP_2 = Ipv4Address.of("192.168.100.2");
    public static final Ipv6Address IP6_A = Ipv6Address.of("2001:db8::a");
    public static final Ipv6Address IP6_B = Ipv6Address.of("2001:db8::b");

    private TestFrames() {
    }

    public static byte[] arpRequest() {
        return PacketBuilder.ethernet(MAC_A, MacAddress.BROADCAST)
                .arp(1, MAC_A, IP_A, MacAddress.ZERO, IP_B).build();
    }

    public static byte[] arpReply() {
        return PacketBuilder.ethernet(MAC_B, MAC_A).arp(2, MAC_B, IP_B, MAC_A, IP_A).build();
    }

    public static byte[] icmpEchoRequest(int id, int seq) {
        return PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).icmpEcho(true, id, seq).payload(56).build();
    }

    /** A 64-byte-on-the-wire (60 without FCS) UDP/IPv4 frame: the benchmark's frame. */
    public static byte[] udp64() {
        return PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).udp(5000, 9000).payload(18).build();
    }

    public static byte[] udp(int srcPort, int dstPort, int payload) {
        return PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).udp(srcPort, dstPort).payload(payload).build();
    }

    public static byte[] tcpSyn() {
        return PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).tcp(40000, 80, 0x02).seq(1000).build();
    }

    public static byte[] vlanUdp(int vid) {
        return PacketBuilder.ethernet(MAC_A, MAC_B).vlan(0x8100, 5, vid).ipv4(IP_A, IP_B).udp(5000, 9999).payload(20).build();
    }

    public static byte[] icmpv6EchoRequest() {
        return PacketBuilder.ethernet(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).flowLabel(0x12345).icmpv6(128, 0, 0x0001_0001).payload(8).build();
    }

    /** A VXLAN frame (VNI {@code vni}) between two VTEPs carrying {@link #icmpEchoRequest}. */
    public static byte[] vxlan(int vni) {
        return PacketBuilder.ethernet(MAC_VTEP_1, MAC_VTEP_2).ipv4(VTEP_1, VTEP_2)
                .udp(49152, 4789).vxlan(Vni.of(vni)).payload(icmpEchoRequest(7, 1)).build();
    }
}
