package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.packet.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfpTextTest {

    @Test
    void parsesTheBriefsExample() {
        OfpFlowMod m = OfpText.parseFlow("in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24 actions=output:2", FlowModCommand.ADD);
        assertThat(m.match()).isEqualTo(Match.builder().inPort(1).ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.0.0"), 24).build());
        assertThat(m.instructions()).containsExactly(Instruction.ApplyActions.of(Action.Output.to(2)));
        assertThat(m.toFlowString()).isEqualTo("table=0,priority=32768,in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24 actions=output:2");
    }

    @Test
    void shorthandsAndTransportPortsResolveByProtocol() {
        assertThat(OfpText.parseMatch("udp,tp_dst=53")).isEqualTo(Match.builder().ethType(0x0800).ipProto(17).udpDst(53).build());
        assertThat(OfpText.parseMatch("tp_src=22,tcp")).isEqualTo(Match.builder().ethType(0x0800).ipProto(6).tcpSrc(22).build());
        assertThat(OfpText.parseMatch("icmp6,icmp_type=135").get(OxmField.ICMPV6_TYPE).value()).isEqualTo(135);
        assertThat(OfpText.parseMatch("dl_vlan=10").get(OxmField.VLAN_VID).value()).isEqualTo(0x100A);
        assertThat(OfpText.parseMatch("arp,arp_tpa=10.0.0.0/255.255.255.0").get(OxmField.ARP_TPA).mask()).isEqualTo(0xFFFF_FF00L);
    }

    @Test
    void toFlowStringReadsBackToTheSameFlowMod() {
        for (OfpMessage msg : Samples.all()) {
            if (msg instanceof OfpFlowMod m && m.instructions().stream().noneMatch(i -> i instanceof Instruction.ApplyActions a && a.actions().isEmpty())) {
                OfpFlowMod back = OfpText.parseFlow(m.toFlowString(), m.command());
                OfpFlowMod expected = OfpFlowMod.builder(m.command()).xid(0).cookie(m.cookie(), m.cookieMask()).table(m.tableId().value())
                        .idleTimeout(m.idleTimeout()).hardTimeout(m.hardTimeout()).priority(m.priority()).outPort(m.outPort())
                        .outGroup(m.outGroup()).flags(m.flags()).match(m.match()).build();
                assertThat(back).as(m.toFlowString()).isEqualTo(new OfpFlowMod(0, expected.cookie(), expected.cookieMask(), expected.tableId(),
                        expected.command(), expected.idleTimeout(), expected.hardTimeout(), expected.priority(), expected.bufferId(),
                        expected.outPort(), expected.outGroup(), expected.flags(), expected.match(),
                        isModify(m.command()) ? m.instructions() : List.of()));
            }
        }
    }

    private static boolean isModify(FlowModCommand c) {
        return c == FlowModCommand.ADD || c == FlowModCommand.MODIFY || c == FlowModCommand.MODIFY_STRICT;
    }

    @Test
    void groupAndMeterModsReadBackFromTheirText() {
        for (OfpMessage msg : Samples.all()) {
            if (msg instanceof OfpGroupMod g) {
                assertThat(OfpText.parseGroupMod(g.toGroupString(), g.command()))
                        .as(g.toGroupString()).isEqualTo(new OfpGroupMod(0, g.command(), g.groupType(), g.groupId(), g.buckets()));
            }
            if (msg instanceof OfpMeterMod m) {
                assertThat(OfpText.parseMeterMod(m.toMeterString(), m.command()))
                        .as(m.toMeterString()).isEqualTo(new OfpMeterMod(0, m.command(), m.flags(), m.meterId(), m.bands()));
            }
        }
        assertThat(Samples.all().stream().filter(m -> m instanceof OfpMeterMod).map(m -> ((OfpMeterMod) m).toMeterString()))
                .contains("meter=1,kbps,burst,band=type=drop,rate=10000,burst_size=1000,type=dscp_remark,rate=5000,burst_size=500,prec_level=1");
    }

    @Test
    void actionsReadBackFromTheirText() {
        List<Action> all = Samples.everyAction();
        assertThat(OfpText.parseActions(Action.toString(all))).isEqualTo(all);
    }

    @Test
    void mistakesNameTheOffendingWord() {
        assertThatThrownBy(() -> OfpText.parseMatch("in_prot=1")).hasMessageContaining("in_prot");
        assertThatThrownBy(() -> OfpText.parseActions("outptu:2")).hasMessageContaining("outptu:2");
        assertThatThrownBy(() -> OfpText.parseMatch("tp_dst=80")).hasMessageContaining("tcp, udp or sctp");
        assertThatThrownBy(() -> OfpText.parseMatch("nw_dst=10.0.0.1")).hasMessageContaining("BAD_PREREQ");
    }
}
