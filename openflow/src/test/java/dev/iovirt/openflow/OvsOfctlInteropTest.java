package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.testing.Peers;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code ovs-ofctl ofp-print} as the oracle for our encoder: every message we write must decode
 * there without a warning and show the fields we put in.
 */
@Tag("interop")
class OvsOfctlInteropTest {

    @BeforeAll
    static void requireOvsOfctl() {
        Peers.require("ovs-ofctl", "openvswitch-common");
    }

    /** ovs-ofctl's rendering of our encoding of {@code m}, after checking it decoded cleanly. */
    static String ofpPrint(OfpMessage m) {
        String hex = HexFormat.of().formatHex(OfpCodec.encode(m));
        Peers.Result r = Peers.run(20, "ovs-ofctl", "ofp-print", hex).requireSuccess();
        String out = r.stdout() + r.stderr();
        assertThat(out).as(m + "\n" + out).doesNotContain("***").doesNotContain("|WARN|").doesNotContain("|ERR|");
        return out;
    }

    private static void assertPrints(OfpMessage m, String... fragments) {
        String out = ofpPrint(m);
        for (String f : fragments) {
            assertThat(out).as(m.toString()).contains(f);
        }
    }

    @Test
    void symmetricAndHandshakeMessagesDecodeInOvs() {
        assertPrints(OfpHello.of(1), "OFPT_HELLO (OF1.3) (xid=0x1)", "version bitmap: 0x04");
        assertPrints(new OfpEchoRequest(4, new byte[] {1, 2, 3}), "OFPT_ECHO_REQUEST (OF1.3) (xid=0x4): 3 bytes of payload");
        assertPrints(new OfpFeaturesReply(7, DatapathId.of(0x0000_0200_0000_0001L), 256, 254, 0,
                        OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_TABLE_STATS | OfpFeaturesReply.CAP_PORT_STATS | OfpFeaturesReply.CAP_GROUP_STATS),
                "dpid:0000020000000001", "n_tables:254, n_buffers:256", "capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS");
        assertPrints(new OfpSetConfig(10, OfpSetConfig.FRAG_DROP, 128), "OFPT_SET_CONFIG", "frags=drop miss_send_len=128");
        assertPrints(new OfpRoleRequest(47, ControllerRole.MASTER, 5), "OFPT_ROLE_REQUEST", "generation_id=5");
        assertPrints(new OfpBarrierRequest(45), "OFPT_BARRIER_REQUEST (OF1.3) (xid=0x2d)");
        assertPrints(new OfpGetAsyncRequest(57), "OFPT_GET_ASYNC_REQUEST (OF1.3) (xid=0x39)");
        assertPrints(new OfpAsyncConfig(59, true, 0b11, 0, 0b111, 0b111, 0b1111, 0b1), "OFPT_SET_ASYNC (OF1.3) (xid=0x3b)",
                "PACKET_IN: no_match action", "FLOW_REMOVED: idle hard delete group_delete");
    }

    /** Every (type, code) of §7.4.4 carries the same meaning in Open vSwitch's table of error names. */
    @Test
    void everyErrorCodeIsTheOneOvsNames() {
        java.util.Map<ErrorType, String> prefix = new java.util.EnumMap<>(java.util.Map.ofEntries(
                java.util.Map.entry(ErrorType.HELLO_FAILED, "OFPHFC"), java.util.Map.entry(ErrorType.BAD_REQUEST, "OFPBRC"),
                java.util.Map.entry(ErrorType.BAD_ACTION, "OFPBAC"), java.util.Map.entry(ErrorType.BAD_INSTRUCTION, "OFPBIC"),
                java.util.Map.entry(ErrorType.BAD_MATCH, "OFPBMC"), java.util.Map.entry(ErrorType.FLOW_MOD_FAILED, "OFPFMFC"),
                java.util.Map.entry(ErrorType.GROUP_MOD_FAILED, "OFPGMFC"), java.util.Map.entry(ErrorType.PORT_MOD_FAILED, "OFPPMFC"),
                java.util.Map.entry(ErrorType.TABLE_MOD_FAILED, "OFPTMFC"), java.util.Map.entry(ErrorType.QUEUE_OP_FAILED, "OFPQOFC"),
                java.util.Map.entry(ErrorType.SWITCH_CONFIG_FAILED, "OFPSCFC"), java.util.Map.entry(ErrorType.ROLE_REQUEST_FAILED, "OFPRRFC"),
                java.util.Map.entry(ErrorType.METER_MOD_FAILED, "OFPMMFC"), java.util.Map.entry(ErrorType.TABLE_FEATURES_FAILED, "OFPTFFC")));
        // OVS's own names for a few codes (older spec wording, or its table-property errors).
        java.util.Map<String, String> ovsAlias = java.util.Map.of(
                "OFPBRC_BAD_MULTIPART", "OFPBRC_BAD_STAT", "OFPBRC_BAD_EXPERIMENTER", "OFPBRC_BAD_VENDOR",
                "OFPBRC_BAD_EXP_TYPE", "OFPBRC_BAD_SUBTYPE", "OFPBRC_IS_SLAVE", "OFPBRC_IS_SECONDARY",
                "OFPBAC_BAD_EXPERIMENTER", "OFPBAC_BAD_VENDOR", "OFPBAC_BAD_EXP_TYPE", "OFPBAC_BAD_VENDOR_TYPE",
                "OFPTFFC_BAD_TYPE", "OFPBPC_BAD_TYPE", "OFPTFFC_BAD_LEN", "OFPBPC_BAD_LEN", "OFPTFFC_BAD_ARGUMENT", "OFPBPC_BAD_VALUE");
        for (ErrorCode code : ErrorCode.values()) {
            if (code.type() == ErrorType.EXPERIMENTER) {
                continue;
            }
            String ours = prefix.get(code.type()) + "_" + code.name().substring(code.type().name().length() + 1);
            String expected = ovsAlias.getOrDefault(ours, ours);
            String out = ofpPrint(OfpError.of(1, code, new byte[0]));
            assertThat(out.lines().findFirst().orElseThrow()).as(code.toString()).endsWith(": " + expected);
        }
    }

    @Test
    void errorCarryingTheOffendingMessageDecodesInOvs() {
        byte[] offending = OfpCodec.encode(new OfpBarrierRequest(3));
        assertPrints(OfpError.of(3, ErrorCode.BAD_MATCH_BAD_PREREQ, offending), "OFPT_ERROR (OF1.3) (xid=0x3): OFPBMC_BAD_PREREQ", "OFPT_BARRIER_REQUEST");
        assertPrints(OfpError.of(4, ErrorCode.BAD_REQUEST_BAD_TYPE, offending), "OFPBRC_BAD_TYPE");
    }

    @Test
    void flowModWithMatchesAndEveryInstructionDecodesInOvs() {
        OfpFlowMod m = OfpFlowMod.builder(FlowModCommand.ADD).xid(2).cookie(0xABCDL).table(1).priority(100)
                .idleTimeout(30).hardTimeout(300).flags(OfpFlowMod.FLAG_SEND_FLOW_REM).match(Samples.ipv4TcpMatch())
                .instruction(new Instruction.Meter(MeterId.of(1)))
                .apply(new Action.SetField(Oxm.exact(OxmField.IPV4_DST, Ipv4Address.of("10.0.0.9").bits() & 0xFFFF_FFFFL)), Action.Output.to(2))
                .instruction(new Instruction.ClearActions())
                .instruction(new Instruction.WriteActions(List.of(new Action.Group(GroupId.of(7)))))
                .instruction(new Instruction.WriteMetadata(0x10, 0xFF))
                .gotoTable(2).build();
        assertPrints(m, "OFPT_FLOW_MOD (OF1.3) (xid=0x2): ADD table:1 priority=100,tcp,in_port=1,nw_src=10.0.0.1,nw_dst=10.0.0.0/24,tp_dst=80",
                "cookie:0xabcd", "idle:30", "hard:300", "send_flow_rem",
                "actions=meter:1,set_field:10.0.0.9->ip_dst,output:2,clear_actions,write_actions(group:7),write_metadata:0x10/0xff,goto_table:2");
    }

    @Test
    void everyMatchFieldOvsSupportsDecodesInOvs() {
        Match v6 = Match.builder().inPort(7).metadata(0x1234, 0xFFFF)
                .ethDst(MacAddress.of("02:00:00:00:00:00"), MacAddress.of("ff:ff:ff:00:00:00")).ethSrc(Samples.MAC1).ethType(0x86DD)
                .vlanVid(10).vlanPcp(3).ipDscp(46).exact(OxmField.IP_ECN, 1).ipProto(58)
                .ipv6Src(Ipv6Address.of("2001:db8::1")).add(Oxm.masked(OxmField.IPV6_DST, 0x20010db800000000L, 0, -1L, 0))
                .masked(OxmField.IPV6_FLABEL, 0x12345, 0xFFFFF).exact(OxmField.ICMPV6_TYPE, 135).exact(OxmField.ICMPV6_CODE, 0)
                .add(Oxm.exact(OxmField.IPV6_ND_TARGET, 0x20010db800000000L, 2)).exact(OxmField.IPV6_ND_SLL, Samples.MAC1.bits())
                .tunnelId(5001).build();
        assertPrints(OfpFlowMod.builder(FlowModCommand.ADD).match(v6).build(),
                "tun_id=0x1389", "metadata=0x1234/0xffff", "in_port=7", "dl_vlan=10", "dl_vlan_pcp=3",
                "dl_src=02:00:00:00:00:01", "dl_dst=02:00:00:00:00:00/ff:ff:ff:00:00:00", "ipv6_src=2001:db8::1",
                "ipv6_dst=2001:db8::/64", "ipv6_label=0x12345", "nw_tos=184", "nw_ecn=1", "icmp_type=135", "icmp_code=0",
                "nd_target=2001:db8::2", "nd_sll=02:00:00:00:00:01");
        assertPrints(OfpFlowMod.builder(FlowModCommand.ADD).match(Samples.arpMatch()).build(),
                "arp,arp_spa=10.0.0.0/8,arp_tpa=10.0.0.2,arp_op=1,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00/00:00:00:00:00:ff");
        assertPrints(OfpFlowMod.builder(FlowModCommand.DELETE_STRICT).priority(5).match(Match.builder().ethType(0x0800).ipProto(17).udpSrc(68).udpDst(67).build())
                .outPort(PortNo.of(3)).build(), "DEL_STRICT", "udp,tp_src=68,tp_dst=67", "out_port:3");
        assertPrints(OfpFlowMod.builder(FlowModCommand.MODIFY).match(Match.builder().ethType(0x0800).ipProto(1).icmpv4Type(8).build()).apply(Action.Output.to(PortNo.CONTROLLER)).build(),
                "MOD icmp,icmp_type=8 actions=CONTROLLER:65535");
        assertPrints(OfpFlowMod.builder(FlowModCommand.ADD).match(Match.builder().ethType(0x8847).exact(OxmField.MPLS_LABEL, 5).exact(OxmField.MPLS_TC, 2).exact(OxmField.MPLS_BOS, 1).build()).build(),
                "mpls,mpls_label=5,mpls_tc=2,mpls_bos=1");
        assertPrints(OfpFlowMod.builder(FlowModCommand.ADD).match(Match.builder().ethType(0x0800).ipProto(132).exact(OxmField.SCTP_DST, 9).build()).build(),
                "sctp,tp_dst=9");
    }

    @Test
    void packetInAndPacketOutDecodeInOvs() {
        byte[] frame = dev.iovirt.packet.PacketBuilder.ethernet(Samples.MAC1, Samples.MAC2)
                .ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2")).udp(1000, 53).build();
        assertPrints(new OfpPacketIn(11, BufferId.NO_BUFFER, frame.length, OfpPacketIn.REASON_ACTION, TableId.of(3), 0x1L,
                        Match.builder().inPort(3).tunnelId(42).metadata(7).build(), frame),
                "OFPT_PACKET_IN (OF1.3) (xid=0xb): table_id=3 cookie=0x1 total_len=60 tun_id=0x2a,metadata=0x7,in_port=3 (via action) data_len=60 (unbuffered)",
                "udp,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2");
        assertPrints(OfpPacketOut.of(14, PortNo.CONTROLLER, frame, new Action.PushVlan(0x8100),
                        new Action.SetField(Oxm.exact(OxmField.VLAN_VID, OxmField.VID_PRESENT | 20)), new Action.SetNwTtl(9), new Action.DecNwTtl(),
                        new Action.SetQueue(2), new Action.Group(GroupId.of(4)), new Action.PopVlan(), Action.Output.to(PortNo.FLOOD)),
                "OFPT_PACKET_OUT (OF1.3) (xid=0xe): in_port=CONTROLLER actions=push_vlan:0x8100,set_field:4116->vlan_vid,mod_nw_ttl:9,dec_ttl,set_queue:2,group:4,pop_vlan,FLOOD data_len=60");
    }

    @Test
    void groupAndMeterModsDecodeInOvs() {
        for (OfpMessage m : Samples.all()) {
            if (m instanceof OfpGroupMod g && g.groupType() != GroupType.ALL) {
                assertPrints(g, "group_id=" + g.groupId() + ",type=" + g.groupType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertPrints(new OfpGroupMod(21, GroupModCommand.ADD, GroupType.FF, GroupId.of(4),
                        List.of(new Bucket(0, PortNo.of(1), GroupId.ANY, List.of(Action.Output.to(1))), new Bucket(0, PortNo.of(2), GroupId.of(3), List.of(Action.Output.to(2))))),
                "ADD group_id=4,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,watch_group:3,actions=output:2");
        assertPrints(new OfpMeterMod(49, MeterModCommand.ADD, OfpMeterMod.FLAG_KBPS | OfpMeterMod.FLAG_BURST | OfpMeterMod.FLAG_STATS, MeterId.of(1),
                        List.of(new MeterBand.Drop(10_000, 1_000), new MeterBand.DscpRemark(5_000, 500, 1))),
                "ADD meter=1 kbps burst stats bands=", "type=drop rate=10000 burst_size=1000", "type=dscp_remark rate=5000 burst_size=500 prec_level=1");
    }

    @Test
    void portMessagesDecodeInOvs() {
        assertPrints(new OfpPortStatus(13, OfpPortStatus.REASON_MODIFY, Samples.port(1, "p1")),
                "OFPT_PORT_STATUS (OF1.3) (xid=0xd): MOD: 1(p1): addr:02:00:00:00:00:01", "state:      LIVE", "current:    10GB-FD COPPER",
                "speed: 10000 Mbps now, 10000 Mbps max");
        assertPrints(new OfpPortMod(23, PortNo.of(1), Samples.MAC1, Port.CONFIG_PORT_DOWN, Port.CONFIG_PORT_DOWN, 0), "config: PORT_DOWN");
        assertPrints(new OfpTableMod(24, TableId.of(1), 0), "OFPT_TABLE_MOD", "table_id=1");
    }

    @Test
    void multipartRequestsAndRepliesDecodeInOvs() {
        for (OfpMessage m : Samples.all()) {
            if (m instanceof OfpMultipartRequest || m instanceof OfpMultipartReply) {
                ofpPrint(m);
            }
        }
        List<OfpMessage> replies = Samples.multipartReplies();
        assertPrints(replies.get(1), "OFPST_FLOW reply (OF1.3) (xid=0x24):",
                "cookie=0xab, duration=10.00000002s, table=0, n_packets=5, n_bytes=300, idle_timeout=30, priority=100,tcp,in_port=1");
        assertPrints(replies.get(2), "packet_count=5 byte_count=300 flow_count=2");
        assertPrints(replies.get(4), "port  1: rx pkts=1, bytes=3, drop=5, errs=7, frame=9, over=10, crc=11");
        assertPrints(replies.get(6), "group_id=1,duration=5s,ref_count=1,packet_count=10,byte_count=640,bucket0:packet_count=4,byte_count=256");
        assertPrints(replies.get(7), "group_id=2,type=select,bucket=actions=output:1");
        assertPrints(replies.get(9), "flags=[more]", "meter=1 kbps bands=");
    }

    @Test
    void splitMultipartReplyPartsEachDecodeInOvs() {
        List<FlowStats> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            many.add(new FlowStats(TableId.of(0), 1, 0, i, 0, 0, 0, i, 0, 0, Samples.ipv4TcpMatch(), List.of(Instruction.ApplyActions.of(Action.Output.to(2)))));
        }
        List<OfpMultipartReply> parts = OfpMultipartReply.of(60, new MpReply.Flows(many)).split(OfpMessage.MAX_LENGTH);
        assertThat(parts).hasSizeGreaterThan(1);
        for (int i = 0; i < parts.size(); i++) {
            String out = ofpPrint(parts.get(i));
            assertThat(out.contains("flags=[more]")).isEqualTo(i < parts.size() - 1);
        }
    }
}
