package dev.iovirt.openflow;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import java.util.ArrayList;
import java.util.List;

/** One or more well-formed instances of every message type, for round trips, interop and fuzz seeds. */
final class Samples {
    private Samples() {
    }

    static final MacAddress MAC1 = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress MAC2 = MacAddress.of("02:00:00:00:00:02");

    static Match ipv4TcpMatch() {
        return Match.builder().inPort(1).ethType(0x0800).ipProto(6)
                .ipv4Src(Ipv4Address.of("10.0.0.1")).ipv4Dst(Ipv4Address.of("10.0.0.0"), 24).tcpDst(80).build();
    }

    static Match everyFieldKind() {
        return Match.builder().inPort(7).exact(OxmField.IN_PHY_PORT, 7).metadata(0x1234, 0xFFFF)
                .ethDst(MacAddress.of("02:00:00:00:00:00"), MacAddress.of("ff:ff:ff:00:00:00")).ethSrc(MAC1).ethType(0x86DD)
                .vlanVid(10).vlanPcp(3).ipDscp(46).exact(OxmField.IP_ECN, 1).ipProto(58)
                .ipv6Src(Ipv6Address.of("2001:db8::1"))
                .add(Oxm.masked(OxmField.IPV6_DST, 0x20010db800000000L, 0, -1L, 0))
                .masked(OxmField.IPV6_FLABEL, 0x12345, 0xFFFFF)
                .exact(OxmField.ICMPV6_TYPE, 135).exact(OxmField.ICMPV6_CODE, 0)
                .add(Oxm.exact(OxmField.IPV6_ND_TARGET, 0x20010db800000000L, 2))
                .exact(OxmField.IPV6_ND_SLL, MAC1.bits())
                .masked(OxmField.IPV6_EXTHDR, 0x4, 0x4)
                .tunnelId(5001).build();
    }

    static Match arpMatch() {
        return Match.builder().ethType(0x0806).arpOp(1).masked(OxmField.ARP_SPA, 0x0A000000L, 0xFF000000L)
                .arpTpa(Ipv4Address.of("10.0.0.2")).exact(OxmField.ARP_SHA, MAC1.bits()).masked(OxmField.ARP_THA, 0, 0xFF).build();
    }

    static List<Action> everyAction() {
        return List.of(Action.Output.to(2), new Action.Output(PortNo.CONTROLLER, Action.CML_NO_BUFFER),
                new Action.CopyTtlOut(), new Action.CopyTtlIn(), new Action.SetMplsTtl(9), new Action.DecMplsTtl(),
                new Action.PushVlan(0x8100), new Action.PopVlan(), new Action.PushMpls(0x8847), new Action.PopMpls(0x0800),
                new Action.SetQueue(3), new Action.Group(GroupId.of(4)), new Action.SetNwTtl(64), new Action.DecNwTtl(),
                new Action.SetField(Oxm.exact(OxmField.VLAN_VID, OxmField.VID_PRESENT | 20)),
                new Action.SetField(Oxm.exact(OxmField.ETH_DST, MAC2.bits())),
                new Action.SetField(Oxm.exact(OxmField.IPV6_SRC, 0x20010db800000000L, 9)),
                new Action.PushPbb(0x88E7), new Action.PopPbb());
    }

    static byte[] udpFrame() {
        return dev.iovirt.packet.PacketBuilder.ethernet(MAC1, MAC2)
                .ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2")).udp(1000, 53).build();
    }

    static Port port(int no, String name) {
        return new Port(PortNo.of(no), MAC1, name, 0, Port.STATE_LIVE, Port.FEATURE_10GB_FD | Port.FEATURE_COPPER,
                Port.FEATURE_10GB_FD, Port.FEATURE_10GB_FD | Port.FEATURE_1GB_FD, 0, 10_000_000, 10_000_000);
    }

    static OfpFlowMod flowMod() {
        return OfpFlowMod.builder(FlowModCommand.ADD).xid(2).cookie(0xABCDL).table(1).priority(100)
                .idleTimeout(30).hardTimeout(300).flags(OfpFlowMod.FLAG_SEND_FLOW_REM).match(ipv4TcpMatch())
                .instruction(new Instruction.Meter(MeterId.of(1)))
                .apply(new Action.PopVlan(), Action.Output.to(2))
                .instruction(new Instruction.WriteActions(List.of(new Action.Group(GroupId.of(7)))))
                .instruction(new Instruction.WriteMetadata(0x10, 0xFF))
                .gotoTable(2).build();
    }

    static List<OfpMessage> all() {
        List<OfpMessage> l = new ArrayList<>();
        l.add(OfpHello.of(1));
        l.add(new OfpHello(2, 0x04, 0));
        l.add(OfpError.about(new OfpBarrierRequest(3), ErrorCode.BAD_REQUEST_IS_SLAVE));
        l.add(new OfpEchoRequest(4, new byte[] {1, 2, 3}));
        l.add(OfpEchoReply.of(5));
        l.add(new OfpFeaturesRequest(6));
        l.add(new OfpFeaturesReply(7, DatapathId.of(0x0000_0200_0000_0001L), 256, 254, 0,
                OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_TABLE_STATS | OfpFeaturesReply.CAP_PORT_STATS | OfpFeaturesReply.CAP_GROUP_STATS));
        l.add(new OfpGetConfigRequest(8));
        l.add(new OfpGetConfigReply(9, OfpSetConfig.FRAG_NORMAL, 128));
        l.add(new OfpSetConfig(10, OfpSetConfig.FRAG_DROP, OfpSetConfig.MISS_SEND_NO_BUFFER));
        l.add(new OfpPacketIn(11, BufferId.NO_BUFFER, 60, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0x1L,
                Match.builder().inPort(3).tunnelId(42).metadata(7).build(), udpFrame()));
        l.add(new OfpFlowRemoved(12, 0xABCDL, 100, OfpFlowRemoved.REASON_IDLE_TIMEOUT, TableId.of(1), 10, 500, 30, 0, 5, 320, ipv4TcpMatch()));
        l.add(new OfpPortStatus(13, OfpPortStatus.REASON_ADD, port(1, "p1")));
        l.add(OfpPacketOut.of(14, PortNo.CONTROLLER, udpFrame(), Action.Output.to(PortNo.FLOOD)));
        l.add(new OfpPacketOut(15, BufferId.of(77), PortNo.of(1), everyAction(), new byte[0]));
        l.add(flowMod());
        for (FlowModCommand c : FlowModCommand.values()) {
            l.add(OfpFlowMod.builder(c).xid(16).match(arpMatch()).outPort(PortNo.of(2)).build());
        }
        l.add(OfpFlowMod.builder(FlowModCommand.ADD).xid(17).match(everyFieldKind()).apply(everyAction().toArray(new Action[0])).build());
        l.add(new OfpGroupMod(18, GroupModCommand.ADD, GroupType.ALL, GroupId.of(1), List.of(Bucket.of(Action.Output.to(1)), Bucket.of(Action.Output.to(2)))));
        l.add(new OfpGroupMod(19, GroupModCommand.MODIFY, GroupType.SELECT, GroupId.of(2),
                List.of(new Bucket(3, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(1))), new Bucket(1, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(2))))));
        l.add(new OfpGroupMod(20, GroupModCommand.ADD, GroupType.INDIRECT, GroupId.of(3), List.of(Bucket.of(new Action.DecNwTtl(), Action.Output.to(3)))));
        l.add(new OfpGroupMod(21, GroupModCommand.ADD, GroupType.FF, GroupId.of(4),
                List.of(new Bucket(0, PortNo.of(1), GroupId.ANY, List.of(Action.Output.to(1))), new Bucket(0, PortNo.of(2), GroupId.of(3), List.of(Action.Output.to(2))))));
        l.add(new OfpGroupMod(22, GroupModCommand.DELETE, GroupType.ALL, GroupId.ALL, List.of()));
        l.add(new OfpPortMod(23, PortNo.of(1), MAC1, Port.CONFIG_PORT_DOWN, Port.CONFIG_PORT_DOWN, 0));
        l.add(new OfpTableMod(24, TableId.ALL, 3));
        l.add(OfpMultipartRequest.of(25, new MpRequest.Desc()));
        l.add(OfpMultipartRequest.of(26, MpRequest.Flow.all()));
        l.add(OfpMultipartRequest.of(27, new MpRequest.Aggregate(TableId.of(0), PortNo.of(2), GroupId.ANY, 1, -1L, ipv4TcpMatch())));
        l.add(OfpMultipartRequest.of(28, new MpRequest.Table()));
        l.add(OfpMultipartRequest.of(29, new MpRequest.PortStats(PortNo.ANY)));
        l.add(OfpMultipartRequest.of(30, new MpRequest.PortDesc()));
        l.add(OfpMultipartRequest.of(31, new MpRequest.Group(GroupId.ALL)));
        l.add(OfpMultipartRequest.of(32, new MpRequest.GroupDesc()));
        l.add(OfpMultipartRequest.of(33, new MpRequest.Meter(MeterId.ALL)));
        l.add(new OfpMultipartRequest(34, OfpMultipartRequest.FLAG_REQ_MORE, new MpRequest.MeterConfig(MeterId.of(1))));
        l.add(OfpMultipartRequest.of(51, new MpRequest.TableFeatures(List.of())));
        l.add(OfpMultipartRequest.of(54, new MpRequest.Queue(PortNo.ANY, QueueStats.ALL)));
        l.add(OfpMultipartRequest.of(55, new MpRequest.GroupFeatures()));
        l.add(OfpMultipartRequest.of(56, new MpRequest.MeterFeatures()));
        l.add(new OfpGetAsyncRequest(57));
        l.add(OfpAsyncConfig.defaults(58, false));
        l.add(new OfpAsyncConfig(59, true, 0b11, 0, 0b111, 0b111, 0b1111, 0b1));
        l.add(OfpMultipartRequest.of(52, new MpRequest.TableFeatures(List.of(TableFeatures.of(0, 2, 100)))));
        l.addAll(multipartReplies());
        l.add(new OfpBarrierRequest(45));
        l.add(new OfpBarrierReply(46));
        l.add(new OfpRoleRequest(47, ControllerRole.MASTER, 5));
        l.add(new OfpRoleReply(48, ControllerRole.SLAVE, 6));
        l.add(new OfpMeterMod(49, MeterModCommand.ADD, OfpMeterMod.FLAG_KBPS | OfpMeterMod.FLAG_BURST, MeterId.of(1),
                List.of(new MeterBand.Drop(10_000, 1_000), new MeterBand.DscpRemark(5_000, 500, 1))));
        l.add(new OfpMeterMod(50, MeterModCommand.DELETE, 0, MeterId.ALL, List.of()));
        return l;
    }

    static List<OfpMessage> multipartReplies() {
        List<OfpMessage> l = new ArrayList<>();
        l.add(OfpMultipartReply.of(35, new MpReply.Desc("iovirt", "virtual", "0.1", "none", "br0")));
        l.add(OfpMultipartReply.of(36, new MpReply.Flows(List.of(
                new FlowStats(TableId.of(0), 10, 20, 100, 30, 0, 0, 0xABL, 5, 300, ipv4TcpMatch(), flowMod().instructions()),
                new FlowStats(TableId.of(1), 1, 2, 0, 0, 0, 0, 0, 0, 0, Match.ALL, List.of())))));
        l.add(OfpMultipartReply.of(37, new MpReply.Aggregate(5, 300, 2)));
        l.add(OfpMultipartReply.of(38, new MpReply.Tables(List.of(new TableStats(TableId.of(0), 2, 100, 90), new TableStats(TableId.of(1), 0, 10, 0)))));
        l.add(OfpMultipartReply.of(39, new MpReply.Ports(List.of(new PortStats(PortNo.of(1), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)))));
        l.add(OfpMultipartReply.of(40, new MpReply.PortDescs(List.of(port(1, "p1"), port(2, "p2")))));
        l.add(OfpMultipartReply.of(41, new MpReply.Groups(List.of(new GroupStats(GroupId.of(1), 1, 10, 640, 5, 0, new long[] {4, 256, 6, 384})))));
        l.add(OfpMultipartReply.of(42, new MpReply.GroupDescs(List.of(new GroupDesc(GroupType.SELECT, GroupId.of(2),
                List.of(new Bucket(1, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(1))))), new GroupDesc(GroupType.ALL, GroupId.of(3), List.of())))));
        l.add(OfpMultipartReply.of(43, new MpReply.Meters(List.of(new MeterStats(MeterId.of(1), 1, 100, 6400, 3, 0, new long[] {2, 128})))));
        l.add(new OfpMultipartReply(44, OfpMultipartReply.FLAG_REPLY_MORE, new MpReply.MeterConfigs(List.of(
                new MeterConfig(OfpMeterMod.FLAG_KBPS, MeterId.of(1), List.of(new MeterBand.Drop(10_000, 0)))))));
        l.add(OfpMultipartReply.of(53, new MpReply.TableFeaturesList(List.of(TableFeatures.of(0, 2, 1000), TableFeatures.of(1, 2, 1000)))));
        l.add(OfpMultipartReply.of(60, new MpReply.Queues(List.of(new QueueStats(PortNo.of(1), 0, 1000, 10, 0, 5, 0)))));
        l.add(OfpMultipartReply.of(61, new MpReply.GroupFeatures(0b1111, MpReply.GroupFeatures.CAP_SELECT_WEIGHT | MpReply.GroupFeatures.CAP_CHAINING,
                new int[] {1024, 1024, 1024, 1024}, new int[] {1 | 1 << 22, 1, 1, 1})));
        l.add(OfpMultipartReply.of(62, new MpReply.MeterFeatures(1024, 1 << MeterBand.DROP | 1 << MeterBand.DSCP_REMARK,
                OfpMeterMod.FLAG_KBPS | OfpMeterMod.FLAG_PKTPS | OfpMeterMod.FLAG_BURST | OfpMeterMod.FLAG_STATS, 4, 0)));
        return l;
    }
}
