package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import org.junit.jupiter.api.Test;

class MatchTest {
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");

    private static FlowKey key(byte[] frame, int inPort) {
        return FlowKeyParser.parse(frame, 0, frame.length, inPort, new FlowKey());
    }

    private static FlowKey tcp(int inPort, String src, String dst, int dport) {
        return key(PacketBuilder.ethernet(A, B).ipv4(Ipv4Address.of(src), Ipv4Address.of(dst)).tcp(1234, dport, 0x02).build(), inPort);
    }

    @Test
    void emptyMatchMatchesEverything() {
        assertThat(Match.ALL.matches(tcp(1, "10.0.0.1", "10.0.0.2", 80))).isTrue();
    }

    @Test
    void exactAndPrefixFieldsMatchTheFlowKey() {
        Match m = Samples.ipv4TcpMatch(); // in_port=1, tcp, nw_src=10.0.0.1, nw_dst=10.0.0.0/24, tcp_dst=80
        assertThat(m.matches(tcp(1, "10.0.0.1", "10.0.0.77", 80))).isTrue();
        assertThat(m.matches(tcp(2, "10.0.0.1", "10.0.0.77", 80))).isFalse();
        assertThat(m.matches(tcp(1, "10.0.0.1", "10.0.1.77", 80))).isFalse();
        assertThat(m.matches(tcp(1, "10.0.0.2", "10.0.0.77", 80))).isFalse();
        assertThat(m.matches(tcp(1, "10.0.0.1", "10.0.0.77", 443))).isFalse();
        FlowKey udp = key(PacketBuilder.ethernet(A, B).ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.7")).udp(1234, 80).build(), 1);
        assertThat(m.matches(udp)).isFalse();
    }

    @Test
    void vlanVidPresentBitDistinguishesTaggedFromUntagged() {
        FlowKey tagged = key(PacketBuilder.ethernet(A, B).vlan(10).ipv4(Ipv4Address.of("1.1.1.1"), Ipv4Address.of("2.2.2.2")).udp(1, 2).build(), 1);
        FlowKey untagged = key(PacketBuilder.ethernet(A, B).ipv4(Ipv4Address.of("1.1.1.1"), Ipv4Address.of("2.2.2.2")).udp(1, 2).build(), 1);
        assertThat(Match.builder().vlanVid(10).build().matches(tagged)).isTrue();
        assertThat(Match.builder().vlanVid(11).build().matches(tagged)).isFalse();
        assertThat(Match.builder().anyVlan().build().matches(tagged)).isTrue();
        assertThat(Match.builder().anyVlan().build().matches(untagged)).isFalse();
        assertThat(Match.builder().noVlan().build().matches(untagged)).isTrue();
        assertThat(Match.builder().noVlan().build().matches(tagged)).isFalse();
    }

    @Test
    void arpAndIpv6FieldsMatch() {
        FlowKey arp = key(PacketBuilder.ethernet(A, MacAddress.BROADCAST).arp(1, A, Ipv4Address.of("10.0.0.1"), MacAddress.ZERO, Ipv4Address.of("10.0.0.2")).build(), 3);
        assertThat(Match.builder().ethType(0x0806).arpOp(1).arpTpa(Ipv4Address.of("10.0.0.2")).build().matches(arp)).isTrue();
        assertThat(Match.builder().ethType(0x0806).arpOp(2).build().matches(arp)).isFalse();
        FlowKey v6 = key(PacketBuilder.ethernet(A, B).ipv6(Ipv6Address.of("2001:db8::1"), Ipv6Address.of("2001:db8::2")).udp(5, 53).build(), 1);
        assertThat(Match.builder().ethType(0x86DD).ipv6Dst(Ipv6Address.of("2001:db8::2")).ipProto(17).udpDst(53).build().matches(v6)).isTrue();
        assertThat(Match.builder().ethType(0x86DD).add(Oxm.masked(OxmField.IPV6_SRC, 0x20010db800000000L, 0, -1L, 0)).build().matches(v6)).isTrue();
        assertThat(Match.builder().ethType(0x86DD).ipv6Dst(Ipv6Address.of("2001:db8::3")).build().matches(v6)).isFalse();
    }

    @Test
    void metadataAndTunnelIdComeFromThePipeline() {
        FlowKey k = tcp(1, "10.0.0.1", "10.0.0.2", 80);
        Match m = Match.builder().tunnelId(5001).metadata(0x10, 0xF0).build();
        assertThat(m.matches(k, 0x1F, 5001)).isTrue();
        assertThat(m.matches(k, 0x2F, 5001)).isFalse();
        assertThat(m.matches(k, 0x1F, 5002)).isFalse();
    }

    @Test
    void nonStrictSelectionCoversEqualAndMoreSpecificMatches() {
        Match subnet = Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.0.0"), 16).build();
        Match host = Match.builder().inPort(3).ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.7.7")).build();
        Match narrower = Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.7.0"), 24).build();
        Match elsewhere = Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of("10.1.0.0"), 24).build();
        Match wider = Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.0.0"), 8).build();
        assertThat(Match.ALL.covers(host)).isTrue();
        assertThat(subnet.covers(subnet)).isTrue();
        assertThat(subnet.covers(host)).isTrue();
        assertThat(subnet.covers(narrower)).isTrue();
        assertThat(subnet.covers(elsewhere)).isFalse();
        assertThat(subnet.covers(wider)).isFalse();
        assertThat(host.covers(subnet)).isFalse();
        assertThat(subnet.covers(Match.ALL)).isFalse();
    }

    @Test
    void cookieMaskSelectsEntries() {
        OfpFlowMod del = OfpFlowMod.builder(dev.iovirt.openflow.FlowModCommand.DELETE).cookie(0x1200, 0xFF00).build();
        assertThat(del.selectsCookie(0x12AB)).isTrue();
        assertThat(del.selectsCookie(0x13AB)).isFalse();
        assertThat(OfpFlowMod.builder(dev.iovirt.openflow.FlowModCommand.DELETE).build().selectsCookie(0x9999)).isTrue();
    }

    @Test
    void builderRefusesWhatASwitchWouldRefuse() {
        assertThatThrownBy(() -> Match.builder().tcpDst(80).build()).hasMessageContaining("BAD_PREREQ");
        assertThatThrownBy(() -> Match.builder().inPort(1).inPort(2).build()).hasMessageContaining("DUP_FIELD");
        assertThatThrownBy(() -> Match.builder().masked(OxmField.IN_PORT, 1, 1).build()).hasMessageContaining("BAD_MASK");
    }

    @Test
    void textFormIsOvsOfctlNotation() {
        assertThat(Samples.ipv4TcpMatch().toString())
                .isEqualTo("in_port=1,dl_type=0x0800,nw_proto=6,nw_src=10.0.0.1,nw_dst=10.0.0.0/24,tcp_dst=80");
        assertThat(Match.builder().vlanVid(10).build().toString()).isEqualTo("vlan_vid=0x100a");
    }
}
