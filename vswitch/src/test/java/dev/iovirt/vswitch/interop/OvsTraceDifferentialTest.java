package dev.iovirt.vswitch.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.Bucket;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.GroupModCommand;
import dev.iovirt.openflow.GroupType;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.vswitch.datapath.DpAction;
import dev.iovirt.vswitch.datapath.FlowWords;
import dev.iovirt.vswitch.datapath.FlowWords.Field;
import dev.iovirt.vswitch.ofproto.Bridge;
import dev.iovirt.vswitch.ofproto.Trace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential oracle of issue 7: one flow table, sent as the same OpenFlow messages to Open
 * vSwitch (userspace datapath) and to our bridge; for each packet, {@code ovs-appctl ofproto/trace}
 * and our trace must agree on the output ports, in order, and on the packet's final headers.
 *
 * <p>What is compared and why: OVS prints set actions in its own datapath syntax (masked sets,
 * merged fields), so modifications are compared through OVS's "Final flow" line rather than by
 * text; output ports are mapped from OVS datapath port numbers to OpenFlow ports with
 * {@code dpif/show}; OVS's LOCAL port (which our bridge does not have) is left out of floods, and
 * the ports of FLOOD and ALL are compared as a set, since OpenFlow does not order them.
 * Select groups are not in the table: the bucket a hash picks is implementation-defined.
 */
@Tag("interop")
class OvsTraceDifferentialTest {
    static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");
    static OvsSandbox ovs;
    static Bridge ours;
    static final Map<Integer, Integer> dpToOfport = new HashMap<>();

    static List<OfpMessage> flowTable() {
        Match.Builder ip = Match.builder().ethType(0x0800);
        return List.of(
                new OfpGroupMod(1, GroupModCommand.ADD, GroupType.ALL, GroupId.of(1), List.of(
                        Bucket.of(Action.Output.to(2)),
                        Bucket.of(new Action.SetField(Oxm.exact(OxmField.ETH_DST, 0x02_00_00_00_00_99L)), Action.Output.to(3)))),
                new OfpGroupMod(2, GroupModCommand.ADD, GroupType.INDIRECT, GroupId.of(2), List.of(Bucket.of(Action.Output.to(4)))),
                new OfpGroupMod(3, GroupModCommand.ADD, GroupType.FF, GroupId.of(3), List.of(
                        new Bucket(0, PortNo.of(3), GroupId.ANY, List.of(Action.Output.to(3))),
                        new Bucket(0, PortNo.of(4), GroupId.ANY, List.of(Action.Output.to(4))))),
                // Table 0: classify.
                OfpFlowMod.builder(FlowModCommand.ADD).table(0).priority(100)
                        .match(Match.builder().inPort(1).ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.0.0"), 24).build())
                        .instruction(new Instruction.WriteMetadata(0x1, 0xFF)).gotoTable(1).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(0).priority(90)
                        .match(Match.builder().inPort(1).ethType(0x0806).build()).apply(Action.Output.to(PortNo.FLOOD)).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(0).priority(50).match(Match.builder().inPort(2).build())
                        .apply(new Action.PushVlan(0x8100), new Action.SetField(Oxm.exact(OxmField.VLAN_VID, 0x1000 | 100)),
                                Action.Output.to(3)).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(0).priority(40).match(Match.builder().inPort(3).vlanVid(100).build())
                        .apply(new Action.PopVlan(), Action.Output.to(1)).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(0).priority(10).match(ip.build())
                        .apply(new Action.DecNwTtl(), new Action.SetField(Oxm.exact(OxmField.IPV4_SRC,
                                Ipv4Address.of("192.0.2.1").bits() & 0xFFFF_FFFFL))).gotoTable(2).build(),
                // Table 1: by service.
                OfpFlowMod.builder(FlowModCommand.ADD).table(1).priority(20)
                        .match(Match.builder().metadata(0x1, 0xFF).ethType(0x0800).ipProto(17).udpDst(53).build())
                        .apply(new Action.SetField(Oxm.exact(OxmField.UDP_DST, 5353)), Action.Output.to(4)).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(1).priority(15)
                        .match(Match.builder().metadata(0x1, 0xFF).ethType(0x0800).ipProto(6).build())
                        .instruction(new Instruction.WriteActions(List.of(new Action.Group(GroupId.of(2))))).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(1).priority(10).match(Match.builder().metadata(0x1, 0xFF).build())
                        .apply(new Action.Group(GroupId.of(1))).build(),
                // Table 2: after the rewrite of table 0, match on the new source address.
                OfpFlowMod.builder(FlowModCommand.ADD).table(2).priority(10)
                        .match(Match.builder().ethType(0x0800).ipv4Src(Ipv4Address.of("192.0.2.1")).ipProto(1).build())
                        .apply(new Action.Group(GroupId.of(3))).build(),
                OfpFlowMod.builder(FlowModCommand.ADD).table(2).priority(5).match(Match.builder().ethType(0x0800).build())
                        .apply(Action.Output.to(PortNo.IN_PORT), Action.Output.to(PortNo.ALL)).build());
    }

    /** (in_port, frame) pairs that exercise every entry above and some misses. */
    static List<Object[]> packets() {
        Ipv4Address src = Ipv4Address.of("10.0.1.5");
        PacketBuilder fromA = PacketBuilder.ethernet(A, B);
        List<Object[]> p = new ArrayList<>();
        p.add(new Object[] {"udp 53 to 10.0.0.2", 1, fromA.ipv4(src, Ipv4Address.of("10.0.0.2")).udp(4000, 53).payload(10).build()});
        p.add(new Object[] {"udp 80 to 10.0.0.2", 1, PacketBuilder.ethernet(A, B).ipv4(src, Ipv4Address.of("10.0.0.2")).udp(4000, 80).payload(10).build()});
        p.add(new Object[] {"tcp to 10.0.0.7", 1, PacketBuilder.ethernet(A, B).ipv4(src, Ipv4Address.of("10.0.0.7")).tcp(40000, 443, 0x02).build()});
        p.add(new Object[] {"arp from 1", 1, PacketBuilder.ethernet(A, MacAddress.BROADCAST).arp(1, A, src, MacAddress.ZERO, Ipv4Address.of("10.0.1.1")).build()});
        p.add(new Object[] {"anything from 2", 2, PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.0.0.2"), src).udp(53, 4000).payload(4).build()});
        p.add(new Object[] {"vlan 100 from 3", 3, PacketBuilder.ethernet(B, A).vlan(100).ipv4(Ipv4Address.of("10.0.0.2"), src).udp(1, 2).build()});
        p.add(new Object[] {"vlan 101 ip from 3", 3, PacketBuilder.ethernet(B, A).vlan(101).ipv4(Ipv4Address.of("10.0.0.2"), src).udp(1, 2).build()});
        p.add(new Object[] {"icmp from 4", 4, PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.9.9.9"), src).icmpEcho(true, 1, 1).build()});
        p.add(new Object[] {"udp from 4", 4, PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.9.9.9"), src).udp(7, 8).build()});
        p.add(new Object[] {"ttl 1 from 4", 4, PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.9.9.9"), src).ttl(1).udp(7, 8).build()});
        p.add(new Object[] {"non-ip from 4", 4, PacketBuilder.ethernet(B, A).etherType(0x88B5).payload(46).build()});
        p.add(new Object[] {"udp to 10.0.1.1 from 1 (not table 1)", 1, PacketBuilder.ethernet(A, B).ipv4(src, Ipv4Address.of("10.0.1.1")).udp(1, 2).build()});
        return p;
    }

    @BeforeAll
    static void loadTheSameFlowTableIntoBoth() throws IOException {
        ovs = OvsSandbox.start(4);
        assertThat(ovs.apply(flowTable())).as("Open vSwitch accepts the flow table").isEmpty();
        ours = new Bridge("br0", DatapathId.of(1), System::nanoTime);
        for (int i = 1; i <= 4; i++) {
            ours.addPort(i, "p" + i, new DummyPort("p" + i));
        }
        for (OfpMessage m : flowTable()) {
            assertThat(ours.handle(m)).as("our bridge accepts %s", m).isEmpty();
        }
        // "    p1 1/2: (dummy)": OpenFlow port 1 is datapath port 2.
        Matcher m = Pattern.compile("\\s+p(\\d+) (\\d+)/(\\d+):").matcher(ovs.run("ovs-appctl", "dpif/show"));
        while (m.find()) {
            dpToOfport.put(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)));
        }
        assertThat(dpToOfport).hasSize(4);
    }

    @AfterAll
    static void stop() throws IOException {
        if (ovs != null) {
            ovs.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void ourTraceAndOvsTraceAgree(String what, int inPort, byte[] frame) throws IOException {
        String ovsTrace = ovs.run("ovs-appctl", "ofproto/trace", "br0", "in_port=" + inPort, HexFormat.of().formatHex(frame));
        Trace trace = ours.trace(inPort, frame);
        String context = "\n--- Open vSwitch ---\n" + ovsTrace + "\n--- ours ---\n" + trace;

        boolean floods = trace.steps().stream().anyMatch(l -> l.trim().equals("FLOOD") || l.trim().equals("ALL"));
        if (floods) {
            // OpenFlow does not order the ports of FLOOD and ALL; OVS uses its internal port order.
            assertThat(ourOutputs(trace.actions())).as("output ports" + context)
                    .containsExactlyInAnyOrderElementsOf(ovsOutputs(ovsTrace));
        } else {
            assertThat(ourOutputs(trace.actions())).as("output ports" + context).isEqualTo(ovsOutputs(ovsTrace));
        }

        Map<String, String> ovsFinal = finalFlow(ovsTrace);
        if (ovsFinal != null) {
            assertThat(MacAddress.format(trace.finalField(Field.ETH_DST))).as("dl_dst" + context).isEqualTo(ovsFinal.get("dl_dst"));
            if (ovsFinal.containsKey("nw_src")) {
                assertThat(Ipv4Address.format((int) trace.finalField(Field.NW_SRC))).as("nw_src" + context).isEqualTo(ovsFinal.get("nw_src"));
                assertThat(Long.toString(trace.finalField(Field.IP_TTL))).as("nw_ttl" + context).isEqualTo(ovsFinal.get("nw_ttl"));
            }
            if (ovsFinal.containsKey("tp_dst")) {
                assertThat(Long.toString(trace.finalField(Field.TP_DST))).as("tp_dst" + context).isEqualTo(ovsFinal.get("tp_dst"));
            }
            long tci = trace.finalField(Field.VLAN_TCI);
            String ourVlan = (tci & FlowWords.VLAN_PRESENT) != 0 ? Long.toString(tci & 0xFFF) : null;
            assertThat(ourVlan).as("dl_vlan" + context).isEqualTo(ovsFinal.get("dl_vlan"));
        }
    }

    private static List<Integer> ourOutputs(List<DpAction> actions) {
        List<Integer> out = new ArrayList<>();
        for (DpAction a : actions) {
            if (a instanceof DpAction.Output o) {
                out.add(o.port());
            } else if (a instanceof DpAction.Clone c) {
                out.addAll(ourOutputs(c.actions()));
            }
        }
        return out;
    }

    /** The numeric outputs of "Datapath actions: ...", at any nesting, as OpenFlow ports (LOCAL left out). */
    private static List<Integer> ovsOutputs(String trace) {
        Matcher m = Pattern.compile("(?m)^Datapath actions: (.*)$").matcher(trace);
        assertThat(m.find()).as("OVS printed datapath actions:\n" + trace).isTrue();
        List<Integer> out = new ArrayList<>();
        // Top-level or nested tokens that are plain numbers are outputs; "push_vlan(vid=100,pcp=0)" has none.
        Matcher n = Pattern.compile("(?<![=\\w.:])(\\d+)(?![\\w.:=])").matcher(m.group(1).replaceAll("\\([^()]*=[^()]*\\)", "()"));
        while (n.find()) {
            Integer of = dpToOfport.get(Integer.parseInt(n.group(1)));
            if (of != null) {
                out.add(of);
            }
        }
        return out;
    }

    /** OVS's "Final flow:" as a map, or null when it says "unchanged". */
    private static Map<String, String> finalFlow(String trace) {
        Matcher m = Pattern.compile("(?m)^Final flow: (.*)$").matcher(trace);
        if (!m.find() || m.group(1).equals("unchanged")) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (String kv : m.group(1).split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                fields.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return fields;
    }
}
