package dev.iovirt.packet.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.testing.TestFrames;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketSummaryTest {
    private static String line(byte[] f) {
        return PacketSummary.describe(f, f.length);
    }

    @Test
    void arpLines() {
        assertThat(line(TestFrames.arpRequest())).isEqualTo(
                "02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, ARP, length 60: Request who-has 10.0.0.2 tell 10.0.0.1, length 28");
        assertThat(line(TestFrames.arpReply())).endsWith("ARP, length 60: Reply 10.0.0.2 is-at 02:00:00:00:00:0b, length 28");
    }

    @Test
    void icmpUdpAndTcpLines() {
        assertThat(line(TestFrames.icmpEchoRequest(7, 3))).isEqualTo(
                "02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 3, length 64");
        assertThat(line(TestFrames.udp64())).endsWith("IPv4, length 60: 10.0.0.1.5000 > 10.0.0.2.9000: UDP, length 18");
        assertThat(line(TestFrames.tcpSyn())).endsWith("10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, length 0");
    }

    @Test
    void vlanAndIpv6Lines() {
        assertThat(line(TestFrames.vlanUdp(100))).contains("802.1Q vlan 100, p 5, IPv4, length 66: 10.0.0.1.5000 > 10.0.0.2.9999: UDP, length 20");
        assertThat(line(TestFrames.icmpv6EchoRequest())).endsWith(
                "IPv6, length 70: 2001:db8::a > 2001:db8::b: ICMP6, echo request, id 1, seq 1, length 16");
    }

    @Test
    void vxlanShowsOuterThenInnerFrame() {
        assertThat(line(TestFrames.vxlan(1001))).isEqualTo(
                "02:00:00:00:01:01 > 02:00:00:00:01:02, IPv4, length 148: 192.168.100.1.49152 > 192.168.100.2.4789: "
                        + "VXLAN, flags [I] (0x08), vni 1001: "
                        + "02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64");
    }

    @Test
    void truncatedFramesSayWhereTheyStop() {
        assertThat(line(Arrays.copyOf(TestFrames.udp64(), 20))).endsWith("IPv4, length 20: [|ip]");
        assertThat(line(Arrays.copyOf(TestFrames.udp64(), 38))).endsWith("10.0.0.1 > 10.0.0.2: [|udp]");
        assertThat(line(new byte[5])).isEqualTo("[|ether] length 5");
    }

    @Test
    void timestampIsUtcWithMicroseconds() {
        CapturedFrame f = new CapturedFrame(0, null, 1, 1_763_722_841_123_456_789L, TestFrames.udp64(), 60, null);
        assertThat(PacketSummary.format(f)).startsWith("11:00:41.123456 02:00:00:00:00:0a");
    }
}
