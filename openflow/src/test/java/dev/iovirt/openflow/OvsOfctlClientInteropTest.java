package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.netty.OfpMalformed;
import dev.iovirt.openflow.testing.OfpFakeSwitch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.testing.Peers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ovs-ofctl as a real controller-side peer: it connects over TCP to {@link OfpFakeSwitch}, a
 * minimal switch made of our Netty pipeline, so our decoder reads the bytes Open vSwitch writes and ovs-ofctl reads what we
 * answer (handshake, barriers, multipart replies split with REPLY_MORE).
 */
@Tag("interop")
class OvsOfctlClientInteropTest {
    private static OfpFakeSwitch sw;

    @BeforeAll
    static void startSwitch() throws InterruptedException {
        Peers.require("ovs-ofctl", "openvswitch-common");
        sw = OfpFakeSwitch.start().onMultipart(OvsOfctlClientInteropTest::answer);
    }

    @AfterAll
    static void stopSwitch() {
        if (sw != null) {
            sw.close();
        }
    }

    @BeforeEach
    void clear() {
        sw.clear();
    }

    /** Runs ovs-ofctl against our switch and returns its output once the connection is closed. */
    private static String ofctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13"));
        cmd.add(args[0]);
        cmd.add(sw.target());
        cmd.addAll(List.of(args).subList(1, args.length));
        String out = Peers.run(20, cmd).requireSuccess().stdout();
        sw.awaitDisconnect(Duration.ofSeconds(10));
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpMalformed);
        return out;
    }

    private static <T> List<T> receivedOf(Class<T> type) {
        return sw.received().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void addFlowFromOvsOfctlDecodesToTheSameFlowMod() {
        ofctl("add-flow", "table=1,priority=100,cookie=0xab,idle_timeout=30,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80,"
                + "actions=set_field:10.0.0.9->ip_dst,output:2,write_metadata:0x10/0xff,goto_table:2");
        OfpFlowMod m = receivedOf(OfpFlowMod.class).get(0);
        assertThat(m.command()).isEqualTo(FlowModCommand.ADD);
        assertThat(m.tableId()).isEqualTo(TableId.of(1));
        assertThat(m.priority()).isEqualTo(100);
        assertThat(m.cookie()).isEqualTo(0xab);
        assertThat(m.idleTimeout()).isEqualTo(30);
        assertThat(m.match()).isEqualTo(Match.builder().inPort(1).ethType(0x0800).ipProto(6)
                .ipv4Dst(Ipv4Address.of("10.0.0.0"), 24).tcpDst(80).build());
        assertThat(m.instructions()).containsExactly(
                Instruction.ApplyActions.of(new Action.SetField(Oxm.exact(OxmField.IPV4_DST, 0x0A000009L)), Action.Output.to(2)),
                new Instruction.WriteMetadata(0x10, 0xFF),
                new Instruction.GotoTable(TableId.of(2)));
        assertThat(receivedOf(OfpBarrierRequest.class)).isNotEmpty();
    }

    @Test
    void ourFlowSyntaxParserAgreesWithOvsOfctlsEncoding() {
        List<String> flows = List.of(
                "priority=10,in_port=1,actions=output:2",
                "table=3,priority=200,cookie=0x1,udp,dl_vlan=7,nw_src=192.168.0.0/16,tp_dst=4789,actions=pop_vlan,set_field:10.0.0.1->ip_dst,output:7",
                "priority=5,ipv6,ipv6_dst=2001:db8::/32,actions=dec_ttl,group:3",
                "priority=7,arp,arp_op=2,actions=CONTROLLER:128,clear_actions",
                "priority=9,dl_vlan=100,dl_dst=02:00:00:00:00:02,actions=meter:4,push_vlan:0x88a8,write_actions(output:3),goto_table:5",
                "idle_timeout=10,hard_timeout=20,send_flow_rem,priority=1,icmp,icmp_type=8,actions=mod_nw_ttl:4,set_queue:1,IN_PORT");
        for (String flow : flows) {
            sw.clear();
            ofctl("add-flow", flow);
            OfpFlowMod fromOvs = receivedOf(OfpFlowMod.class).get(0);
            OfpFlowMod ours = OfpText.parseFlow(flow, FlowModCommand.ADD);
            assertThat(new OfpFlowMod(0, fromOvs.cookie(), fromOvs.cookieMask(), fromOvs.tableId(), fromOvs.command(), fromOvs.idleTimeout(),
                    fromOvs.hardTimeout(), fromOvs.priority(), fromOvs.bufferId(), fromOvs.outPort(), fromOvs.outGroup(), fromOvs.flags(),
                    fromOvs.match(), fromOvs.instructions())).as(flow).isEqualTo(ours);
        }
    }

    @Test
    void ourGroupAndMeterSyntaxParserAgreesWithOvsOfctlsEncoding() {
        for (String group : List.of("group_id=1,type=all,bucket=output:1,bucket=output:2",
                "group_id=2,type=select,bucket=weight:3,output:1,bucket=weight:1,dec_ttl,output:2",
                "group_id=3,type=indirect,bucket=set_field:10.0.0.1->ip_dst,output:3",
                "group_id=4,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:2,watch_group:3,output:2")) {
            sw.clear();
            ofctl("add-group", group);
            OfpGroupMod fromOvs = receivedOf(OfpGroupMod.class).get(0);
            assertThat(new OfpGroupMod(0, fromOvs.command(), fromOvs.groupType(), fromOvs.groupId(), fromOvs.buckets()))
                    .as(group).isEqualTo(OfpText.parseGroupMod(group, GroupModCommand.ADD));
        }
        for (String meter : List.of("meter=1,kbps,burst,band=type=drop,rate=1000,burst_size=100",
                "meter=2,pktps,stats,band=type=dscp_remark,rate=50,prec_level=2")) {
            sw.clear();
            ofctl("add-meter", meter);
            OfpMeterMod fromOvs = receivedOf(OfpMeterMod.class).get(0);
            assertThat(new OfpMeterMod(0, fromOvs.command(), fromOvs.flags(), fromOvs.meterId(), fromOvs.bands()))
                    .as(meter).isEqualTo(OfpText.parseMeterMod(meter, MeterModCommand.ADD));
        }
    }

    @Test
    void vlanAndArpFlowsFromOvsOfctlDecode() {
        ofctl("add-flow", "priority=5,dl_vlan=10,arp,arp_tpa=10.0.0.2,actions=pop_vlan,NORMAL");
        OfpFlowMod m = receivedOf(OfpFlowMod.class).get(0);
        assertThat(m.match().get(OxmField.VLAN_VID).value()).isEqualTo(OxmField.VID_PRESENT | 10);
        assertThat(m.match().get(OxmField.ARP_TPA).value()).isEqualTo(0x0A000002L);
        assertThat(m.applyActions()).containsExactly(new Action.PopVlan(), Action.Output.to(PortNo.NORMAL));
    }

    @Test
    void deleteFlowsFromOvsOfctlDecodes() {
        ofctl("del-flows", "udp,tp_dst=53");
        OfpFlowMod m = receivedOf(OfpFlowMod.class).get(0);
        assertThat(m.command()).isEqualTo(FlowModCommand.DELETE);
        assertThat(m.tableId()).isEqualTo(TableId.ALL);
        assertThat(m.match().toString()).isEqualTo("dl_type=0x0800,nw_proto=17,udp_dst=53");
    }

    @Test
    void groupsAndMetersFromOvsOfctlDecode() {
        ofctl("add-group", "group_id=1,type=select,bucket=weight:3,output:1,bucket=weight:1,output:2");
        OfpGroupMod g = receivedOf(OfpGroupMod.class).get(0);
        assertThat(g.groupType()).isEqualTo(GroupType.SELECT);
        assertThat(g.buckets()).extracting(Bucket::weight).containsExactly(3, 1);
        assertThat(g.buckets().get(1).actions()).containsExactly(Action.Output.to(2));

        sw.clear();
        ofctl("add-group", "group_id=2,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:2,output:2");
        assertThat(receivedOf(OfpGroupMod.class).get(0).buckets()).extracting(Bucket::watchPort).containsExactly(PortNo.of(1), PortNo.of(2));

        sw.clear();
        ofctl("add-meter", "meter=1,kbps,burst,band=type=drop,rate=1000,burst_size=100");
        OfpMeterMod mm = receivedOf(OfpMeterMod.class).get(0);
        assertThat(mm.meterId()).isEqualTo(MeterId.of(1));
        assertThat(mm.flags()).isEqualTo(OfpMeterMod.FLAG_KBPS | OfpMeterMod.FLAG_BURST);
        assertThat(mm.bands()).containsExactly(new MeterBand.Drop(1000, 100));
    }

    @Test
    void dumpFlowsReadsOurSplitReplyWhole() {
        String out = ofctl("dump-flows");
        assertThat(receivedOf(OfpMultipartRequest.class).get(0).body()).isEqualTo(MpRequest.Flow.all());
        assertThat(out).contains("priority=100,tcp,in_port=1,nw_src=10.0.0.1,nw_dst=10.0.0.0/24,tp_dst=80");
        // The fake switch splits the 600 entries into several messages; ovs-ofctl shows all of them.
        assertThat(out.lines().filter(l -> l.contains("cookie=")).count()).isEqualTo(600);
    }

    @Test
    void dumpPortsAndGroupsReadOurReplies() {
        assertThat(ofctl("dump-ports-desc")).contains("1(p1): addr:02:00:00:00:00:01", "2(p2): addr:02:00:00:00:00:01");
        assertThat(ofctl("dump-ports")).contains("port  1: rx pkts=1, bytes=3, drop=5, errs=7");
        assertThat(ofctl("dump-group-stats")).contains("group_id=1,duration=5s,ref_count=1,packet_count=10");
        assertThat(ofctl("dump-groups")).contains("group_id=2,type=select,bucket=actions=output:1");
        assertThat(ofctl("dump-meters")).contains("meter=1 kbps bands=");
        assertThat(ofctl("show")).contains("dpid:0000000000000001", "n_tables:254");
    }

    @Test
    void modPortFromOvsOfctlDecodes() {
        ofctl("mod-port", "1", "down");
        OfpPortMod p = receivedOf(OfpPortMod.class).get(0);
        assertThat(p.portNo()).isEqualTo(PortNo.of(1));
        assertThat(p.hwAddr()).isEqualTo(Samples.MAC1);
        assertThat(p.config() & p.mask() & Port.CONFIG_PORT_DOWN).isEqualTo(Port.CONFIG_PORT_DOWN);
    }

    /** Canned multipart answers: 600 flows (split over several replies), the samples for the rest. */
    private static MpReply answer(MpRequest request) {
        return switch (request) {
            case MpRequest.Flow f -> {
                List<FlowStats> l = new ArrayList<>();
                for (int i = 0; i < 600; i++) {
                    l.add(new FlowStats(TableId.of(0), 1, 0, 100, 0, 0, 0, i, 0, 0, Samples.ipv4TcpMatch(),
                            List.of(Instruction.ApplyActions.of(Action.Output.to(2)))));
                }
                yield new MpReply.Flows(l);
            }
            case MpRequest.TableFeatures t -> OfpFakeSwitch.defaultMultipart(t);
            default -> Samples.multipartReplies().stream().map(x -> ((OfpMultipartReply) x).body())
                    .filter(b -> b.multipartType() == request.multipartType()).findFirst().orElseThrow();
        };
    }
}
