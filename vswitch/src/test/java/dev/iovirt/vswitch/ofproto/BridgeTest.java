package dev.iovirt.vswitch.ofproto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.Bucket;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.GroupModCommand;
import dev.iovirt.openflow.GroupType;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.MeterBand;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.MeterModCommand;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMeterMod;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.TestFrames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BridgeTest {
    final long[] now = {1_000_000_000L};
    final List<OfpMessage> events = new ArrayList<>();
    Bridge br;
    DummyPort p1;
    DummyPort p2;
    DummyPort p3;

    @BeforeEach
    void setUp() {
        br = new Bridge("br0", DatapathId.of(1), () -> now[0]);
        br.setEventSink(events::add);
        p1 = new DummyPort("p1");
        p2 = new DummyPort("p2");
        p3 = new DummyPort("p3");
        br.addPort("p1", p1);
        br.addPort("p2", p2);
        br.addPort("p3", p3);
        events.clear();
    }

    private void ok(OfpMessage m) {
        assertThat(br.handle(m)).as("replies to %s", m).isEmpty();
    }

    private ErrorCode error(OfpMessage m) {
        List<OfpMessage> r = br.handle(m);
        assertThat(r).singleElement().isInstanceOf(OfpError.class);
        OfpError e = (OfpError) r.get(0);
        return ErrorCode.of(e.errorType(), e.code());
    }

    private static OfpFlowMod.Builder flow(int table, int priority, Match match) {
        return OfpFlowMod.builder(FlowModCommand.ADD).table(table).priority(priority).match(match);
    }

    private static Match ip(String dst, int prefix) {
        return Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of(dst), prefix).build();
    }

    @Test
    void multiTableGotoAndMetadataSelectTheOutput() {
        ok(flow(0, 10, Match.builder().inPort(1).build())
                .instruction(new Instruction.WriteMetadata(0x5, 0xFF)).gotoTable(1).build());
        ok(flow(1, 20, Match.builder().metadata(0x5, 0xFF).ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.0.2")).build())
                .apply(Action.Output.to(2)).build());
        Trace t = br.trace(1, TestFrames.udp64());
        assertThat(t.datapathActions()).isEqualTo("2");
        assertThat(t.steps()).anySatisfy(s -> assertThat(s).startsWith(" 0. priority 10"))
                .contains("    write_metadata:0x5/0xff", "    goto_table:1", "    output:2")
                .anySatisfy(s -> assertThat(s).startsWith(" 1. priority 20"));
        // From port 2 the metadata is never written, so table 1 misses.
        Trace miss = br.trace(2, TestFrames.udp64());
        assertThat(miss.datapathActions()).isEqualTo("drop");
        assertThat(miss.steps()).contains(" 0. No match.");
        // The megaflow is as general as the decision: in_port and what table 1 looked at.
        assertThat(t.megaflow().toString()).contains("in_port=0x1").contains("nw_dst=0xa000002");
        assertThat(t.megaflow().toString()).doesNotContain("tp_dst");
    }

    @Test
    void packetsAreForwardedAndCountedOnTheirFlowEntries() {
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build());
        for (int i = 0; i < 5; i++) {
            p1.inject(TestFrames.udp(1000 + i, 9000, 18));
        }
        br.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(5);
        assertThat(br.flows()).singleElement().satisfies(e -> {
            assertThat(e.packets()).isEqualTo(5);
            assertThat(e.bytes()).isEqualTo(5 * 60);
        });
        assertThat(br.datapath().stats().misses).isEqualTo(1);
    }

    @Test
    void aFlowModInvalidatesCachedDecisions() {
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build());
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        ok(OfpFlowMod.builder(FlowModCommand.MODIFY_STRICT).table(0).priority(10).match(Match.builder().inPort(1).build())
                .apply(Action.Output.to(3)).build());
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(1);
        assertThat(p3.transmitted()).hasSize(1);
        assertThat(br.flows().get(0).packets()).as("counters survive a modify").isEqualTo(2);
    }

    @Test
    void applyActionsRunNowAndTheActionSetAtTheEnd() {
        ok(flow(0, 1, Match.ALL).instruction(new Instruction.WriteActions(List.of(Action.Output.to(3))))
                .apply(Action.Output.to(2)).gotoTable(1).build());
        ok(flow(1, 1, Match.ALL).instruction(new Instruction.WriteActions(List.of(
                new Action.SetField(Oxm.exact(OxmField.ETH_DST, 0x02_00_00_00_00_99L))))).build());
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("2,set(eth(dst=02:00:00:00:00:99)),3");
        // clear_actions in table 1 empties the set: only the applied output remains.
        ok(OfpFlowMod.builder(FlowModCommand.MODIFY).table(1).match(Match.ALL)
                .instruction(new Instruction.ClearActions()).build());
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("2");
    }

    @Test
    void vlanPushSetAndPopRewriteFrames() {
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(new Action.PushVlan(0x8100),
                new Action.SetField(Oxm.exact(OxmField.VLAN_VID, 0x1000 | 100)), Action.Output.to(2)).build());
        ok(flow(0, 10, Match.builder().inPort(2).vlanVid(100).build()).apply(new Action.PopVlan(), Action.Output.to(1)).build());
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("push_vlan(vid=100,pcp=0),2");
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        byte[] tagged = p2.transmitted().get(0);
        assertThat(FlowKeyParser.parse(tagged, 0, tagged.length, 0, new FlowKey()).vlanVid()).isEqualTo(100);
        p2.inject(tagged);
        br.runUntilQuiet();
        assertThat(p1.transmitted()).containsExactly(TestFrames.udp64());
        // A frame on VLAN 101 does not match the pop flow.
        assertThat(br.trace(2, TestFrames.vlanUdp(101)).datapathActions()).isEqualTo("drop");
    }

    @Test
    void setFieldRewritesAddressesAndPortsBeforeTheNextTableLooks() {
        ok(flow(0, 10, Match.builder().ethType(0x0800).ipProto(17).build())
                .apply(new Action.SetField(Oxm.exact(OxmField.IPV4_DST, Ipv4Address.of("192.0.2.9").bits() & 0xFFFF_FFFFL)),
                        new Action.SetField(Oxm.exact(OxmField.UDP_DST, 53)))
                .gotoTable(1).build());
        ok(flow(1, 10, Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of("192.0.2.9")).build()).apply(Action.Output.to(3)).build());
        Trace t = br.trace(1, TestFrames.udp64());
        assertThat(t.datapathActions()).isEqualTo("set(ipv4(dst=192.0.2.9)),set(tp(dst=53)),3");
    }

    @Test
    void decTtlDropsAPacketWhoseTtlExpires() {
        ok(flow(0, 10, Match.ALL).apply(new Action.DecNwTtl(), Action.Output.to(2)).build());
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("dec_ttl,2");
        byte[] ttl1 = PacketBuilder.ethernet(TestFrames.MAC_A, TestFrames.MAC_B).ipv4(TestFrames.IP_A, TestFrames.IP_B)
                .ttl(1).udp(1, 2).build();
        Trace t = br.trace(1, ttl1);
        assertThat(t.datapathActions()).isEqualTo("drop");
        assertThat(t.steps()).contains("    dec_ttl: TTL 1 expires, packet dropped");
    }

    @Test
    void allGroupSendsACopyThroughEveryBucket() {
        ok(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.ALL, GroupId.of(1), List.of(
                Bucket.of(Action.Output.to(2)),
                Bucket.of(new Action.SetField(Oxm.exact(OxmField.ETH_DST, 0x02_00_00_00_00_33L)), Action.Output.to(3)))));
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(new Action.Group(GroupId.of(1))).build());
        Trace t = br.trace(1, TestFrames.udp64());
        assertThat(t.datapathActions()).isEqualTo("2,clone(set(eth(dst=02:00:00:00:00:33)),3)");
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        assertThat(p2.transmitted()).containsExactly(TestFrames.udp64());
        assertThat(MacAddress.read(p3.transmitted().get(0), 0).toString()).isEqualTo("02:00:00:00:00:33");
        MpReply.Groups stats = (MpReply.Groups) ((OfpMultipartReply) br.handle(
                new OfpMultipartRequest(9, 0, new MpRequest.Group(GroupId.ALL))).get(0)).body();
        assertThat(stats.entries().get(0).packetCount()).isEqualTo(1);
        assertThat(stats.entries().get(0).refCount()).isEqualTo(1);
    }

    @Test
    void selectGroupSpreadsFlowsAndKeepsEachFlowOnOneBucket() {
        ok(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.SELECT, GroupId.of(7), List.of(
                new Bucket(1, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(2))),
                new Bucket(1, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(3))))));
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(new Action.Group(GroupId.of(7))).build());
        Set<String> chosen = new HashSet<>();
        for (int sport = 1000; sport < 1064; sport++) {
            String a = br.trace(1, TestFrames.udp(sport, 80, 10)).datapathActions();
            assertThat(br.trace(1, TestFrames.udp(sport, 80, 10)).datapathActions()).as("stable per flow").isEqualTo(a);
            chosen.add(a);
        }
        assertThat(chosen).containsExactlyInAnyOrder("2", "3");
        assertThat(br.trace(1, TestFrames.udp(1000, 80, 10)).megaflow().toString()).contains("tp_src", "tp_dst", "nw_src");
    }

    @Test
    void selectGroupPicksTheSameBucketForBothDirectionsOfAConnection() {
        ok(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.SELECT, GroupId.of(7), List.of(
                new Bucket(1, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(2))),
                new Bucket(1, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(3))))));
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(new Action.Group(GroupId.of(7))).build());
        java.util.Random random = new java.util.Random(9);
        java.util.Map<String, Integer> chosen = new java.util.HashMap<>();
        for (int i = 0; i < 200; i++) {
            MacAddress macA = MacAddress.of(String.format("02:00:00:00:%02x:%02x", random.nextInt(256), random.nextInt(256)));
            MacAddress macB = MacAddress.of(String.format("02:00:00:01:%02x:%02x", random.nextInt(256), random.nextInt(256)));
            Ipv4Address ipA = Ipv4Address.of("10.0." + random.nextInt(256) + "." + random.nextInt(256));
            Ipv4Address ipB = Ipv4Address.of("10.1." + random.nextInt(256) + "." + random.nextInt(256));
            int portA = 1024 + random.nextInt(60000);
            int portB = 1 + random.nextInt(1023);
            boolean tcp = random.nextBoolean();
            PacketBuilder forward = PacketBuilder.ethernet(macA, macB).ipv4(ipA, ipB);
            PacketBuilder reverse = PacketBuilder.ethernet(macB, macA).ipv4(ipB, ipA);
            byte[] f = (tcp ? forward.tcp(portA, portB, 0x10) : forward.udp(portA, portB)).build();
            byte[] r = (tcp ? reverse.tcp(portB, portA, 0x10) : reverse.udp(portB, portA)).build();
            String there = br.trace(1, f).datapathActions();
            assertThat(br.trace(1, r).datapathActions()).as("reverse of connection %d", i).isEqualTo(there);
            chosen.merge(there, 1, Integer::sum);
        }
        assertThat(chosen.keySet()).as("still spreads").containsExactlyInAnyOrder("2", "3");
        assertThat(chosen.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void fastFailoverGroupFollowsPortLiveness() {
        ok(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.FF, GroupId.of(3), List.of(
                new Bucket(0, PortNo.of(2), GroupId.ANY, List.of(Action.Output.to(2))),
                new Bucket(0, PortNo.of(3), GroupId.ANY, List.of(Action.Output.to(3))))));
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(new Action.Group(GroupId.of(3))).build());
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        p2.setLinkUp(false);
        br.portStateChanged(2);
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(1);
        assertThat(p3.transmitted()).hasSize(1);
        assertThat(events).singleElement().isInstanceOf(OfpPortStatus.class);
    }

    @Test
    void indirectGroupHasExactlyOneBucket() {
        assertThat(error(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.INDIRECT, GroupId.of(1), List.of(
                Bucket.of(Action.Output.to(2)), Bucket.of(Action.Output.to(3))))))
                .isEqualTo(ErrorCode.GROUP_MOD_FAILED_BAD_BUCKET);
        ok(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.INDIRECT, GroupId.of(1), List.of(Bucket.of(Action.Output.to(2)))));
        ok(flow(0, 10, Match.ALL).apply(new Action.Group(GroupId.of(1))).build());
        assertThat(br.trace(3, TestFrames.udp64()).datapathActions()).isEqualTo("2");
    }

    @Test
    void meterDropBandLimitsTheRateInPlatformTime() {
        ok(new OfpMeterMod(1, MeterModCommand.ADD, OfpMeterMod.FLAG_PKTPS | OfpMeterMod.FLAG_BURST, MeterId.of(1),
                List.of(new MeterBand.Drop(10, 10))));
        ok(flow(0, 10, Match.builder().inPort(1).build()).instruction(new Instruction.Meter(MeterId.of(1)))
                .apply(Action.Output.to(2)).build());
        for (int i = 0; i < 50; i++) {
            p1.inject(TestFrames.udp64());
        }
        br.runUntilQuiet();
        assertThat(p2.transmitted()).as("the burst of 10 passes at one instant").hasSize(10);
        now[0] += 500_000_000L; // half a second refills 5 tokens
        for (int i = 0; i < 50; i++) {
            p1.inject(TestFrames.udp64());
        }
        br.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(15);
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("meter(1),2");
    }

    @Test
    void normalLearnsAddressesAndStopsFlooding() {
        ok(flow(0, 0, Match.ALL).apply(Action.Output.to(PortNo.NORMAL)).build());
        byte[] aToB = PacketBuilder.ethernet(TestFrames.MAC_A, TestFrames.MAC_B).ipv4(TestFrames.IP_A, TestFrames.IP_B).udp(1, 2).build();
        byte[] bToA = PacketBuilder.ethernet(TestFrames.MAC_B, TestFrames.MAC_A).ipv4(TestFrames.IP_B, TestFrames.IP_A).udp(2, 1).build();
        p1.inject(aToB);
        br.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(1);
        assertThat(p3.transmitted()).as("unknown destination floods").hasSize(1);
        p2.inject(bToA);
        br.runUntilQuiet();
        assertThat(p1.transmitted()).as("A was learned on port 1").hasSize(1);
        assertThat(p3.transmitted()).hasSize(1);
        p1.inject(aToB);
        br.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(2);
        assertThat(p3.transmitted()).as("B was learned on port 2: no more flooding").hasSize(1);
        assertThat(br.trace(1, aToB).steps()).contains("    NORMAL: forwarding to learned port 2");
    }

    @Test
    void tableMissEntryToControllerSendsAPacketIn() {
        ok(flow(0, 0, Match.ALL).apply(new Action.Output(PortNo.CONTROLLER, 0xFFFF)).cookie(0xC0FFEEL).build());
        p2.inject(TestFrames.arpRequest());
        br.runUntilQuiet();
        assertThat(events).singleElement().isInstanceOfSatisfying(OfpPacketIn.class, pi -> {
            assertThat(pi.reason()).isEqualTo(OfpPacketIn.REASON_ACTION);
            assertThat(pi.cookie()).isEqualTo(0xC0FFEEL);
            assertThat(pi.match().get(OxmField.IN_PORT).value()).isEqualTo(2);
            assertThat(pi.data()).isEqualTo(TestFrames.arpRequest());
        });
    }

    @Test
    void packetOutSendsOrRunsThroughTheTables() {
        ok(new OfpPacketOut(5, BufferId.NO_BUFFER, PortNo.CONTROLLER, List.of(Action.Output.to(3)), TestFrames.arpReply()));
        assertThat(p3.transmitted()).containsExactly(TestFrames.arpReply());
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build());
        ok(new OfpPacketOut(6, BufferId.NO_BUFFER, PortNo.of(1), List.of(Action.Output.to(PortNo.TABLE)), TestFrames.udp64()));
        assertThat(p2.transmitted()).containsExactly(TestFrames.udp64());
        assertThat(error(new OfpPacketOut(7, BufferId.of(3), PortNo.CONTROLLER, List.of(), TestFrames.udp64())))
                .isEqualTo(ErrorCode.BAD_REQUEST_BUFFER_UNKNOWN);
    }

    @Test
    void deleteSelectsByMatchCookieAndOutPortAndAnnouncesRemovals() {
        ok(flow(0, 10, ip("10.0.0.0", 24)).cookie(0x11).flags(OfpFlowMod.FLAG_SEND_FLOW_REM).apply(Action.Output.to(2)).build());
        ok(flow(0, 20, ip("10.0.0.5", 32)).cookie(0x12).apply(Action.Output.to(3)).build());
        ok(flow(0, 30, ip("10.1.0.0", 16)).cookie(0x21).apply(Action.Output.to(2)).build());
        // Non-strict delete of 10.0.0.0/16 with out_port 2 takes only the /24 entry.
        ok(OfpFlowMod.builder(FlowModCommand.DELETE).table(0).match(ip("10.0.0.0", 16)).outPort(PortNo.of(2)).build());
        assertThat(br.flows()).extracting(FlowEntry::cookie).containsExactlyInAnyOrder(0x12L, 0x21L);
        assertThat(events).singleElement().isInstanceOfSatisfying(OfpFlowRemoved.class,
                r -> assertThat(r.reason()).isEqualTo(OfpFlowRemoved.REASON_DELETE));
        // Cookie-masked delete across all tables.
        ok(OfpFlowMod.builder(FlowModCommand.DELETE).table(TableId.ALL.value()).cookie(0x20, 0xF0).build());
        assertThat(br.flows()).extracting(FlowEntry::cookie).containsExactly(0x12L);
        // Strict delete needs the exact priority.
        ok(OfpFlowMod.builder(FlowModCommand.DELETE_STRICT).table(0).priority(21).match(ip("10.0.0.5", 32)).build());
        assertThat(br.flows()).hasSize(1);
        ok(OfpFlowMod.builder(FlowModCommand.DELETE_STRICT).table(0).priority(20).match(ip("10.0.0.5", 32)).build());
        assertThat(br.flows()).isEmpty();
    }

    @Test
    void hardAndIdleTimeoutsExpireInPlatformTime() {
        ok(flow(0, 10, Match.builder().inPort(1).build()).hardTimeout(10).flags(OfpFlowMod.FLAG_SEND_FLOW_REM)
                .apply(Action.Output.to(2)).build());
        ok(flow(0, 10, Match.builder().inPort(2).build()).idleTimeout(5).apply(Action.Output.to(1)).build());
        now[0] += 4_000_000_000L;
        p2.inject(TestFrames.udp64()); // keeps the idle entry alive
        br.runUntilQuiet();
        now[0] += 4_000_000_000L;
        assertThat(br.expireFlows()).isZero();
        now[0] += 2_000_000_000L; // 10 s since install: the hard timeout fires; 6 s idle > 5 s
        assertThat(br.expireFlows()).isEqualTo(2);
        assertThat(events).singleElement().isInstanceOfSatisfying(OfpFlowRemoved.class,
                r -> assertThat(r.reason()).isEqualTo(OfpFlowRemoved.REASON_HARD_TIMEOUT));
    }

    @Test
    void addingAnIdenticalEntryReplacesItAndCheckOverlapRefusesOverlaps() {
        ok(flow(0, 10, ip("10.0.0.0", 24)).apply(Action.Output.to(2)).build());
        ok(flow(0, 10, ip("10.0.0.0", 24)).apply(Action.Output.to(3)).build());
        assertThat(br.flows()).singleElement().satisfies(e -> assertThat(e.toString()).endsWith("actions=output:3"));
        assertThat(error(flow(0, 10, ip("10.0.0.128", 25)).flags(OfpFlowMod.FLAG_CHECK_OVERLAP).apply(Action.Output.to(2)).build()))
                .isEqualTo(ErrorCode.FLOW_MOD_FAILED_OVERLAP);
        ok(flow(0, 11, ip("10.0.0.128", 25)).flags(OfpFlowMod.FLAG_CHECK_OVERLAP).apply(Action.Output.to(2)).build());
    }

    @Test
    void badFlowModsAreRefusedWithTheSpecErrorAndChangeNothing() {
        assertThat(error(flow(1, 1, Match.ALL).gotoTable(1).build())).isEqualTo(ErrorCode.BAD_INSTRUCTION_BAD_TABLE_ID);
        assertThat(error(flow(254, 1, Match.ALL).build())).isEqualTo(ErrorCode.FLOW_MOD_FAILED_BAD_TABLE_ID);
        assertThat(error(flow(0, 1, Match.ALL).apply(new Action.Group(GroupId.of(9))).build()))
                .isEqualTo(ErrorCode.BAD_ACTION_BAD_OUT_GROUP);
        assertThat(error(flow(0, 1, Match.ALL).apply(new Action.SetField(Oxm.exact(OxmField.IPV4_SRC, 1))).build()))
                .isEqualTo(ErrorCode.BAD_ACTION_MATCH_INCONSISTENT);
        assertThat(error(flow(0, 1, Match.ALL).apply(Action.Output.to(PortNo.TABLE)).build()))
                .isEqualTo(ErrorCode.BAD_ACTION_BAD_OUT_PORT);
        assertThat(error(flow(0, 1, Match.ALL).instruction(new Instruction.Meter(MeterId.of(4))).build()))
                .isEqualTo(ErrorCode.METER_MOD_FAILED_UNKNOWN_METER);
        assertThat(error(flow(0, 1, Match.builder().ethType(0x8847).exact(OxmField.MPLS_LABEL, 5).build()).build()))
                .isEqualTo(ErrorCode.BAD_MATCH_BAD_FIELD);
        assertThat(error(flow(0, 1, Match.ALL).flags(1 << 9).build())).isEqualTo(ErrorCode.FLOW_MOD_FAILED_BAD_FLAGS);
        assertThat(br.flows()).isEmpty();
    }

    @Test
    void groupAndMeterModsCheckExistenceAndLoops() {
        ok(new OfpGroupMod(1, GroupModCommand.ADD, GroupType.ALL, GroupId.of(1), List.of(Bucket.of(Action.Output.to(2)))));
        assertThat(error(new OfpGroupMod(2, GroupModCommand.ADD, GroupType.ALL, GroupId.of(1), List.of())))
                .isEqualTo(ErrorCode.GROUP_MOD_FAILED_GROUP_EXISTS);
        assertThat(error(new OfpGroupMod(3, GroupModCommand.MODIFY, GroupType.ALL, GroupId.of(2), List.of())))
                .isEqualTo(ErrorCode.GROUP_MOD_FAILED_UNKNOWN_GROUP);
        ok(new OfpGroupMod(4, GroupModCommand.ADD, GroupType.ALL, GroupId.of(2), List.of(Bucket.of(new Action.Group(GroupId.of(1))))));
        assertThat(error(new OfpGroupMod(5, GroupModCommand.MODIFY, GroupType.ALL, GroupId.of(1),
                List.of(Bucket.of(new Action.Group(GroupId.of(2)))))))
                .isEqualTo(ErrorCode.GROUP_MOD_FAILED_LOOP);
        assertThat(error(new OfpMeterMod(6, MeterModCommand.MODIFY, OfpMeterMod.FLAG_PKTPS, MeterId.of(3),
                List.of(new MeterBand.Drop(1, 0))))).isEqualTo(ErrorCode.METER_MOD_FAILED_UNKNOWN_METER);
        // Deleting a group removes the entries that use it.
        ok(flow(0, 1, Match.ALL).apply(new Action.Group(GroupId.of(2))).build());
        ok(new OfpGroupMod(7, GroupModCommand.DELETE, GroupType.ALL, GroupId.of(2), List.of()));
        assertThat(br.flows()).isEmpty();
    }

    @Test
    void statsRepliesDescribeFlowsPortsAndTables() {
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build());
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        MpReply.Flows flows = (MpReply.Flows) ((OfpMultipartReply) br.handle(new OfpMultipartRequest(1, 0,
                new MpRequest.Flow(TableId.ALL, PortNo.ANY, GroupId.ANY, 0, 0, Match.ALL))).get(0)).body();
        assertThat(flows.entries()).singleElement().satisfies(s -> assertThat(s.packetCount()).isEqualTo(1));
        MpReply.Ports ports = (MpReply.Ports) ((OfpMultipartReply) br.handle(new OfpMultipartRequest(2, 0,
                new MpRequest.PortStats(PortNo.ANY))).get(0)).body();
        assertThat(ports.entries()).hasSize(3);
        assertThat(ports.entries().get(1).txPackets()).isEqualTo(1);
        MpReply.Tables tables = (MpReply.Tables) ((OfpMultipartReply) br.handle(new OfpMultipartRequest(3, 0,
                new MpRequest.Table())).get(0)).body();
        assertThat(tables.entries().get(0).activeCount()).isEqualTo(1);
        assertThat(tables.entries().get(0).matchedCount()).isEqualTo(1);
        MpReply.PortDescs descs = (MpReply.PortDescs) ((OfpMultipartReply) br.handle(new OfpMultipartRequest(4, 0,
                new MpRequest.PortDesc())).get(0)).body();
        assertThat(descs.entries()).extracting(p -> p.name()).containsExactly("p1", "p2", "p3");
    }

    @Test
    void mirrorsCopyIngressAsReceivedAndEgressAsSent() {
        DummyPort tap = new DummyPort("tap");
        br.addPort(4, "tap", tap);
        ok(flow(0, 10, Match.builder().inPort(1).build()).apply(new Action.SetField(
                Oxm.exact(OxmField.ETH_DST, 0x02_00_00_00_00_77L)), Action.Output.to(2)).build());
        ok(flow(0, 10, Match.builder().inPort(3).build()).apply(Action.Output.to(2)).build());
        br.addMirror(new Mirror("from-p1", Set.of(1), Set.of(), 4));
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions())
                .isEqualTo("4,set(eth(dst=02:00:00:00:00:77)),2");
        p1.inject(TestFrames.udp64());
        br.runUntilQuiet();
        assertThat(tap.transmitted()).containsExactly(TestFrames.udp64());

        br.removeMirror("from-p1");
        br.addMirror(new Mirror("to-p2", Set.of(), Set.of(2), 4));
        p1.inject(TestFrames.udp64());
        p3.inject(TestFrames.arpReply());
        br.runUntilQuiet();
        assertThat(tap.transmitted()).hasSize(3);
        assertThat(MacAddress.read(tap.transmitted().get(1), 0).toString()).as("copied as sent").isEqualTo("02:00:00:00:00:77");
        assertThat(tap.transmitted().get(2)).isEqualTo(TestFrames.arpReply());
        assertThat(p3.transmitted()).isEmpty();
    }

    @Test
    void tableFeaturesDescribeWhatThePipelineSupports() {
        List<OfpMessage> parts = br.handle(new OfpMultipartRequest(5, 0, new MpRequest.TableFeatures(List.of())));
        // 254 tables do not fit one message: the reply comes in parts with REPLY_MORE, as OVS sends it.
        assertThat(parts.size()).isGreaterThan(1);
        for (OfpMessage part : parts) {
            assertThat(dev.iovirt.openflow.OfpCodec.encode(part).length).isLessThanOrEqualTo(OfpMessage.MAX_LENGTH);
        }
        List<OfpMultipartReply> replies = parts.stream().map(OfpMultipartReply.class::cast).toList();
        MpReply.TableFeaturesList tf = (MpReply.TableFeaturesList) OfpMultipartReply.merge(replies).body();
        assertThat(tf.entries()).hasSize(Bridge.TABLES);
        assertThat(tf.entries().get(0).properties()).hasSize(8);
        assertThat(tf.entries().get(Bridge.TABLES - 1).name()).isEqualTo("table253");
    }

    @Test
    void failOpenOverridesTheTablesWithoutShowingInThem() {
        ok(flow(0, 10, Match.ALL).build()); // drop everything
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("drop");
        br.setFailOpen(true);
        Trace t = br.trace(1, TestFrames.udp64());
        assertThat(t.datapathActions()).isEqualTo("2,3"); // NORMAL floods the unknown destination
        assertThat(t.steps()).anySatisfy(s -> assertThat(s).contains("fail-open"));
        assertThat(br.flows()).singleElement().satisfies(e -> assertThat(e.priority()).isEqualTo(10));
        br.setFailOpen(false);
        assertThat(br.trace(1, TestFrames.udp64()).datapathActions()).isEqualTo("drop");
    }
}
