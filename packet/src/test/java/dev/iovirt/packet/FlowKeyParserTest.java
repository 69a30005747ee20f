package dev.iovirt.packet;

import static dev.iovirt.packet.testing.TestFrames.IP6_A;
import static dev.iovirt.packet.testing.TestFrames.IP6_B;
import static dev.iovirt.packet.testing.TestFrames.IP_A;
import static dev.iovirt.packet.testing.TestFrames.IP_B;
import static dev.iovirt.packet.testing.TestFrames.MAC_A;
import static dev.iovirt.packet.testing.TestFrames.MAC_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.testing.TestFrames;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FlowKeyParserTest {
    private final FlowKey key = new FlowKey();

    private FlowKey parse(byte[] frame) {
        return FlowKeyParser.parse(frame, 0, frame.length, 3, key);
    }

    @Test
    void ethernetAddressesAndTypeAreExtracted() {
        FlowKey k = parse(PacketBuilder.ethernet(MAC_A, MAC_B).etherType(0x88B5).payload(10).build());
        assertThat(k.inPort()).isEqualTo(3);
        assertThat(k.ethSrc()).isEqualTo(MAC_A.bits());
        assertThat(k.ethDst()).isEqualTo(MAC_B.bits());
        assertThat(k.ethType()).isEqualTo(0x88B5);
        assertThat(k.layers()).isEqualTo(FlowKey.L_ETH);
        assertThat(k.isComplete()).isTrue();
    }

    @Test
    void singleVlanTagGivesVidPcpAndInnerEtherType() {
        FlowKey k = parse(TestFrames.vlanUdp(100));
        assertThat(k.has(FlowKey.L_VLAN)).isTrue();
        assertThat(k.vlanCount()).isEqualTo(1);
        assertThat(k.vlanTpid()).isEqualTo(EtherType.VLAN);
        assertThat(k.vlanVid()).isEqualTo(100);
        assertThat(k.vlanPcp()).isEqualTo(5);
        assertThat(k.ethType()).isEqualTo(EtherType.IPV4);
        assertThat(k.l3Offset()).isEqualTo(18);
        assertThat(k.tpDst()).isEqualTo(9999);
    }

    @Test
    void qinqGivesOuterAndInnerTags() {
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).vlan(EtherType.QINQ, 1, 300).vlan(EtherType.VLAN, 2, 20)
                .ipv4(IP_A, IP_B).udp(1, 2).build();
        FlowKey k = parse(f);
        assertThat(k.vlanCount()).isEqualTo(2);
        assertThat(k.vlanTpid()).isEqualTo(EtherType.QINQ);
        assertThat(k.vlanVid()).isEqualTo(300);
        assertThat(k.innerVlanTpid()).isEqualTo(EtherType.VLAN);
        assertThat(k.innerVlanVid()).isEqualTo(20);
        assertThat(k.ethType()).isEqualTo(EtherType.IPV4);
        assertThat(k.l3Offset()).isEqualTo(22);
        assertThat(k.has(FlowKey.L_UDP)).isTrue();
    }

    @Test
    void aThirdVlanTagIsLeftAsTheEtherType() {
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).vlan(1).vlan(2).vlan(3).ipv4(IP_A, IP_B).udp(1, 2).build();
        FlowKey k = parse(f);
        assertThat(k.vlanCount()).isEqualTo(2);
        assertThat(k.ethType()).isEqualTo(EtherType.VLAN);
        assertThat(k.has(FlowKey.L_IPV4)).isFalse();
    }

    @Test
    void arpFieldsAreExtracted() {
        FlowKey k = parse(TestFrames.arpRequest());
        assertThat(k.has(FlowKey.L_ARP)).isTrue();
        assertThat(k.arpOp()).isEqualTo(1);
        assertThat(k.arpSha()).isEqualTo(MAC_A.bits());
        assertThat(k.arpSpa()).isEqualTo(IP_A.bits());
        assertThat(k.arpTha()).isZero();
        assertThat(k.arpTpa()).isEqualTo(IP_B.bits());
        assertThat(k.ethDst()).isEqualTo(MacAddress.BROADCAST.bits());
    }

    @Test
    void arpForAnotherProtocolIsMalformedNotParsed() {
        byte[] f = TestFrames.arpRequest();
        f[14 + 2] = (byte) 0x86; // ptype 0x86dd
        f[14 + 3] = (byte) 0xDD;
        FlowKey k = parse(f);
        assertThat(k.has(FlowKey.L_ARP)).isFalse();
        assertThat(k.isMalformed()).isTrue();
        assertThat(k.ethType()).isEqualTo(EtherType.ARP);
    }

    @Test
    void ipv4HeaderFieldsAreExtracted() {
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).dscp(46).ecn(2).ttl(17).dontFragment(true)
                .udp(1234, 5678).payload(4).build();
        FlowKey k = parse(f);
        assertThat(k.has(FlowKey.L_IPV4)).isTrue();
        assertThat(k.ipv4Src()).isEqualTo(IP_A.bits());
        assertThat(k.ipv4Dst()).isEqualTo(IP_B.bits());
        assertThat(k.ipProto()).isEqualTo(IpProtocol.UDP);
        assertThat(k.ipDscp()).isEqualTo(46);
        assertThat(k.ipEcn()).isEqualTo(2);
        assertThat(k.ipTtl()).isEqualTo(17);
        assertThat(k.ipDontFragment()).isTrue();
        assertThat(k.ipFrag()).isZero();
        assertThat(k.l3Length()).isEqualTo(20 + 8 + 4);
        assertThat(k.tpSrc()).isEqualTo(1234);
        assertThat(k.tpDst()).isEqualTo(5678);
        assertThat(k.l4Offset()).isEqualTo(34);
        assertThat(k.payloadOffset()).isEqualTo(42);
    }

    @Test
    void firstFragmentHasPortsLaterFragmentsDoNot() {
        byte[] first = PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).fragment(0, true).udp(1, 2).payload(16).build();
        FlowKey k = parse(first);
        assertThat(k.ipFrag()).isEqualTo(FlowKey.FRAG_ANY);
        assertThat(k.has(FlowKey.L_UDP)).isTrue();

        byte[] later = PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).fragment(1480, false)
                .ipProtocol(IpProtocol.UDP).payload(16).build();
        k = parse(later);
        assertThat(k.ipFrag()).isEqualTo(FlowKey.FRAG_ANY | FlowKey.FRAG_LATER);
        assertThat(k.ipProto()).isEqualTo(IpProtocol.UDP);
        assertThat(k.has(FlowKey.L_UDP)).isFalse();
        assertThat(k.tpDst()).isZero();
        assertThat(k.isComplete()).isTrue();
    }

    @Test
    void ethernetPaddingIsNotTakenAsPayload() {
        byte[] f = TestFrames.udp(7, 8, 2); // 44-byte IP packet padded to a 60-byte frame
        FlowKey k = parse(f);
        assertThat(f).hasSize(60);
        assertThat(k.l3Length()).isEqualTo(30);
        assertThat(k.isComplete()).isTrue();
    }

    @Test
    void icmpTypeAndCodeAreExtracted() {
        FlowKey k = parse(TestFrames.icmpEchoRequest(1, 2));
        assertThat(k.has(FlowKey.L_ICMP)).isTrue();
        assertThat(k.icmpType()).isEqualTo(8);
        assertThat(k.icmpCode()).isZero();
        assertThat(k.ipProto()).isEqualTo(IpProtocol.ICMP);
    }

    @Test
    void tcpPortsAndFlagsAreExtracted() {
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).tcp(40000, 443, 0x012).payload(5).build();
        FlowKey k = parse(f);
        assertThat(k.has(FlowKey.L_TCP)).isTrue();
        assertThat(k.tpSrc()).isEqualTo(40000);
        assertThat(k.tpDst()).isEqualTo(443);
        assertThat(k.tcpFlags()).isEqualTo(0x012);
        assertThat(k.payloadOffset()).isEqualTo(14 + 20 + 20);
    }

    @Test
    void ipv6HeaderFieldsAreExtracted() {
        FlowKey k = parse(TestFrames.icmpv6EchoRequest());
        assertThat(k.has(FlowKey.L_IPV6)).isTrue();
        assertThat(k.ipv6SrcHi()).isEqualTo(IP6_A.hi());
        assertThat(k.ipv6SrcLo()).isEqualTo(IP6_A.lo());
        assertThat(k.ipv6DstHi()).isEqualTo(IP6_B.hi());
        assertThat(k.ipv6DstLo()).isEqualTo(IP6_B.lo());
        assertThat(k.ipv6FlowLabel()).isEqualTo(0x12345);
        assertThat(k.ipProto()).isEqualTo(IpProtocol.ICMPV6);
        assertThat(k.ipTtl()).isEqualTo(64);
        assertThat(k.has(FlowKey.L_ICMPV6)).isTrue();
        assertThat(k.icmpType()).isEqualTo(128);
    }

    @Test
    void ipv6ExtensionHeadersAreSkippedToTheUpperLayer() {
        // Hop-by-hop options (8 bytes, next = destination options), destination options (16 bytes, next = UDP), UDP.
        byte[] ext = new byte[8 + 16 + 8 + 4];
        ext[0] = (byte) IpProtocol.IPV6_OPTS;
        ext[1] = 0;
        ext[8] = (byte) IpProtocol.UDP;
        ext[9] = 1;
        Bytes.putU16(ext, 24, 1111);
        Bytes.putU16(ext, 26, 2222);
        Bytes.putU16(ext, 28, 12);
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).ipProtocol(IpProtocol.HOPOPT).payload(ext).build();
        FlowKey k = parse(f);
        assertThat(k.ipProto()).isEqualTo(IpProtocol.UDP);
        assertThat(k.has(FlowKey.L_UDP)).isTrue();
        assertThat(k.tpSrc()).isEqualTo(1111);
        assertThat(k.tpDst()).isEqualTo(2222);
        assertThat(k.l4Offset()).isEqualTo(14 + 40 + 24);
    }

    @Test
    void ipv6LaterFragmentHasNoUpperLayer() {
        byte[] frag = new byte[8 + 8];
        frag[0] = (byte) IpProtocol.UDP;
        Bytes.putU16(frag, 2, 185 << 3); // offset 185 * 8 bytes, M = 0
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).ipProtocol(IpProtocol.IPV6_FRAG).payload(frag).build();
        FlowKey k = parse(f);
        assertThat(k.ipFrag()).isEqualTo(FlowKey.FRAG_ANY | FlowKey.FRAG_LATER);
        assertThat(k.ipProto()).isEqualTo(IpProtocol.UDP);
        assertThat(k.has(FlowKey.L_UDP)).isFalse();
    }

    @Test
    void vxlanVniIsExtractedFromUdp4789() {
        FlowKey k = parse(TestFrames.vxlan(5001));
        assertThat(k.has(FlowKey.L_UDP)).isTrue();
        assertThat(k.tpDst()).isEqualTo(4789);
        assertThat(k.has(FlowKey.L_VXLAN)).isTrue();
        assertThat(k.vxlanVni()).isEqualTo(5001);
        assertThat(k.payloadOffset()).isEqualTo(14 + 20 + 8 + 8);
        // The inner frame starts at the payload offset and parses on its own.
        byte[] f = TestFrames.vxlan(5001);
        FlowKey inner = FlowKeyParser.parse(f, k.payloadOffset(), f.length - k.payloadOffset(), 0, new FlowKey());
        assertThat(inner.has(FlowKey.L_ICMP)).isTrue();
        assertThat(inner.ipv4Src()).isEqualTo(IP_A.bits());
    }

    @Test
    void udp4789WithoutTheIFlagIsNotVxlan() {
        byte[] f = TestFrames.vxlan(5001);
        f[42] = 0; // clear the flags byte
        FlowKey k = parse(f);
        assertThat(k.has(FlowKey.L_UDP)).isTrue();
        assertThat(k.has(FlowKey.L_VXLAN)).isFalse();
    }

    @Test
    void llcSnapFrameCarriesItsEtherType() {
        byte[] f = new byte[60];
        MAC_B.write(f, 0);
        MAC_A.write(f, 6);
        Bytes.putU16(f, 12, 46); // 802.3 length
        f[14] = (byte) 0xAA;
        f[15] = (byte) 0xAA;
        f[16] = 3;
        Bytes.putU16(f, 20, 0x88B5);
        assertThat(parse(f).ethType()).isEqualTo(0x88B5);
        f[14] = 0x42; // plain LLC (STP)
        assertThat(parse(f).ethType()).isEqualTo(FlowKey.ETH_TYPE_NONE);
    }

    @Test
    void truncationAtEveryByteIsFlaggedAndNeverReadsPastTheEnd() {
        byte[][] frames = {TestFrames.arpRequest(), TestFrames.tcpSyn(), TestFrames.vlanUdp(9),
                TestFrames.icmpv6EchoRequest(), TestFrames.vxlan(3), TestFrames.icmpEchoRequest(1, 1)};
        for (byte[] full : frames) {
            FlowKey whole = parse(full);
            int complete = whole.layers();
            for (int n = 0; n < full.length; n++) {
                // A copy of exactly n bytes: any read past it would throw.
                byte[] cut = Arrays.copyOf(full, n);
                FlowKey k = parse(cut);
                assertThat(k.layers() & ~complete).as("no layer appears that the full frame lacks").isZero();
                if (n < 14) {
                    assertThat(k.layers()).isZero();
                    assertThat(k.isTruncated()).isTrue();
                }
                if (k.layers() != complete) {
                    assertThat(k.isTruncated()).as("cut to %d bytes: %s", n, k).isTrue();
                }
            }
        }
    }

    @Test
    void ipv4WithBadVersionOrHeaderLengthIsMalformed() {
        byte[] f = TestFrames.udp64();
        f[14] = 0x65; // version 6 inside an IPv4 EtherType
        assertThat(parse(f).isMalformed()).isTrue();
        assertThat(parse(f).has(FlowKey.L_IPV4)).isFalse();
        f = TestFrames.udp64();
        f[14] = 0x44; // IHL 4 words: shorter than the minimum
        assertThat(parse(f).isMalformed()).isTrue();
        f = TestFrames.udp64();
        Bytes.putU16(f, 16, 10); // total length shorter than the header
        assertThat(parse(f).isMalformed()).isTrue();
    }

    @Test
    void ipv4TotalLengthBeyondTheFrameIsTruncated() {
        byte[] f = TestFrames.udp64();
        Bytes.putU16(f, 16, 1400);
        FlowKey k = parse(f);
        assertThat(k.has(FlowKey.L_IPV4)).isTrue();
        assertThat(k.isTruncated()).isTrue();
        assertThat(k.l3Length()).isEqualTo(f.length - 14);
    }

    @Test
    void tcpWithDataOffsetBelowFiveIsMalformed() {
        byte[] f = TestFrames.tcpSyn();
        f[14 + 20 + 12] = 0x40;
        FlowKey k = parse(f);
        assertThat(k.isMalformed()).isTrue();
        assertThat(k.has(FlowKey.L_TCP)).isFalse();
    }

    @Test
    void icmpv6InsideIpv4IsNotTakenForIcmp() {
        byte[] f = PacketBuilder.ethernet(MAC_A, MAC_B).ipv4(IP_A, IP_B).ipProtocol(IpProtocol.ICMPV6).payload(8).build();
        FlowKey k = parse(f);
        assertThat(k.has(FlowKey.L_ICMP) || k.has(FlowKey.L_ICMPV6)).isFalse();
    }

    @Test
    void outOfRangeBoundsAreMalformedNotAnException() {
        byte[] f = TestFrames.udp64();
        assertThat(FlowKeyParser.parse(f, 10, f.length, 0, key).isMalformed()).isTrue();
        assertThat(FlowKeyParser.parse(f, -1, 5, 0, key).isMalformed()).isTrue();
        assertThat(FlowKeyParser.parse(f, 0, -5, 0, key).isMalformed()).isTrue();
    }

    @Test
    void parsingAFrameInsideALargerBufferUsesItsOffset() {
        byte[] inner = TestFrames.tcpSyn();
        byte[] buf = new byte[inner.length + 100];
        Arrays.fill(buf, (byte) 0xEE);
        System.arraycopy(inner, 0, buf, 37, inner.length);
        FlowKey k = FlowKeyParser.parse(buf, 37, inner.length, 9, key);
        assertThat(k.has(FlowKey.L_TCP)).isTrue();
        assertThat(k.tpDst()).isEqualTo(80);
        assertThat(k.l4Offset()).isEqualTo(34);
    }

    @Test
    void toStringUsesOvsFlowNotation() {
        String s = parse(TestFrames.udp64()).toString();
        assertThat(s).contains("in_port=3", "dl_src=02:00:00:00:00:0a", "dl_type=0x0800", "nw_src=10.0.0.1",
                "nw_dst=10.0.0.2", "nw_proto=17", "tp_src=5000", "tp_dst=9000");
    }
}
