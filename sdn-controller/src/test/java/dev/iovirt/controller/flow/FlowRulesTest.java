package dev.iovirt.controller.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.FlowStats;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowRulesTest {
    private static FlowRule rule(Map<String, String> match, FlowAction... actions) {
        return new FlowRule(0, 10, 0, 0, 0, match, List.of(actions));
    }

    @Test
    void ovsNamesBecomeTheirOxmFields() {
        Match m = FlowRules.toMatch(Map.of("dl_src", "02:00:00:00:00:01", "dl_dst", "ff:ff:ff:ff:ff:ff/01:00:00:00:00:00",
                "dl_type", "0x0800", "nw_dst", "192.168.0.0/255.255.0.0", "nw_proto", "17", "tp_src", "53", "dl_vlan", "100"));
        assertThat(m.get(OxmField.ETH_SRC).value()).isEqualTo(MacAddress.of("02:00:00:00:00:01").bits());
        assertThat(m.get(OxmField.ETH_DST).mask()).isEqualTo(0x0100_0000_0000L);
        assertThat(m.get(OxmField.IPV4_DST).mask()).isEqualTo(0xFFFF_0000L);
        assertThat(m.get(OxmField.UDP_SRC).value()).isEqualTo(53);
        assertThat(m.get(OxmField.VLAN_VID).value()).isEqualTo(OxmField.VID_PRESENT | 100);
    }

    @Test
    void oxmNamesAndIpv6AreAcceptedToo() {
        Match m = FlowRules.toMatch(Map.of("eth_type", "0x86dd", "ipv6_src", "2001:db8::/32", "ip_proto", "6", "tcp_dst", "443"));
        assertThat(m.get(OxmField.IPV6_SRC).hasMask()).isTrue();
        assertThat(m.get(OxmField.TCP_DST).value()).isEqualTo(443);
    }

    @Test
    void flowModCarriesEveryFieldOfTheRule() {
        FlowRule r = new FlowRule(3, 200, 0xabc, 10, 20, Map.of("in_port", "LOCAL"),
                List.of(FlowAction.output("CONTROLLER"), FlowAction.gotoTable(4)));
        OfpFlowMod fm = FlowRules.toFlowMod(r, 9);
        assertThat(fm.command()).isEqualTo(FlowModCommand.ADD);
        assertThat(fm.xid()).isEqualTo(9);
        assertThat(fm.tableId()).isEqualTo(TableId.of(3));
        assertThat(fm.cookie()).isEqualTo(0xabc);
        assertThat(fm.idleTimeout()).isEqualTo(10);
        assertThat(fm.hardTimeout()).isEqualTo(20);
        assertThat(fm.match().get(OxmField.IN_PORT).value()).isEqualTo(PortNo.LOCAL.value() & 0xFFFF_FFFFL);
        assertThat(fm.applyActions()).containsExactly(Action.Output.to(PortNo.CONTROLLER));
        assertThat(fm.toFlowString()).contains("goto_table:4");
    }

    @Test
    void dropIsAnEmptyInstructionList() {
        assertThat(FlowRules.toFlowMod(rule(Map.of(), FlowAction.drop()), 0).instructions()).isEmpty();
        assertThatThrownBy(() -> FlowRules.toFlowMod(rule(Map.of(), FlowAction.drop(), FlowAction.output("1")), 0))
                .isInstanceOf(FlowRuleException.class).extracting(e -> ((FlowRuleException) e).field()).isEqualTo("actions[0]");
    }

    @Test
    void gotoTableMustGoForward() {
        FlowRule back = new FlowRule(5, 1, 0, 0, 0, Map.of(), List.of(FlowAction.gotoTable(2)));
        assertThatThrownBy(() -> FlowRules.toFlowMod(back, 0)).isInstanceOf(FlowRuleException.class)
                .hasMessageContaining("after 5").extracting(e -> ((FlowRuleException) e).field()).isEqualTo("actions[0].table");
    }

    @Test
    void valuesThatDoNotFitTheirFieldAreRefusedNamingIt() {
        assertThatThrownBy(() -> FlowRules.toMatch(Map.of("nw_proto", "300", "dl_type", "0x0800")))
                .isInstanceOf(FlowRuleException.class).extracting(e -> ((FlowRuleException) e).field()).isEqualTo("match.nw_proto");
        assertThatThrownBy(() -> FlowRules.toMatch(Map.of("dl_type", "0x0800/0xff00")))
                .hasMessageContaining("cannot be masked");
        assertThatThrownBy(() -> FlowRules.toMatch(Map.of("dl_type", "0x0800", "nw_src", "10.0.0.0/33")))
                .hasMessageContaining("prefix length");
    }

    @Test
    void strictDeleteCarriesTableAndPriority() {
        OfpFlowMod d = FlowRules.toDelete(new FlowSelector(1, 7, 5L, Map.of("in_port", "2"), true), 3);
        assertThat(d.command()).isEqualTo(FlowModCommand.DELETE_STRICT);
        assertThat(d.tableId()).isEqualTo(TableId.of(1));
        assertThat(d.priority()).isEqualTo(7);
        assertThat(d.cookieMask()).isEqualTo(-1L);
        OfpFlowMod all = FlowRules.toDelete(FlowSelector.all(), 4);
        assertThat(all.command()).isEqualTo(FlowModCommand.DELETE);
        assertThat(all.tableId()).isEqualTo(TableId.ALL);
        assertThat(all.match().isEmpty()).isTrue();
    }

    @Test
    void flowStatsComeBackAsRulesThatPostBackToTheSameFlowMod() {
        FlowRule original = rule(Map.of("dl_type", "0x0800", "nw_src", "10.1.0.0/16"),
                FlowAction.setField("dl_dst", "02:00:00:00:00:09"), FlowAction.output("3"), FlowAction.group(4));
        OfpFlowMod fm = FlowRules.toFlowMod(original, 0);
        FlowStats stats = new FlowStats(fm.tableId(), 1, 0, fm.priority(), 0, 0, 0, 0, 5, 300, fm.match(), fm.instructions());
        FlowEntry e = FlowRules.fromStats(stats);
        assertThat(e.rule().match()).containsEntry("nw_src", "10.1.0.0/16");
        assertThat(FlowRules.toFlowMod(e.rule(), 0)).isEqualTo(fm);
        assertThat(e.flow()).contains("nw_src=10.1.0.0/16").contains("output:3");
        assertThat(Ipv4Address.of("10.1.0.0")).isNotNull();
    }
}
