package dev.iovirt.controller.sfc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.group.GroupBucket;
import dev.iovirt.controller.group.GroupRule;
import dev.iovirt.controller.group.GroupRules;
import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Tunnel;
import dev.iovirt.controller.sfc.ChainRenderer.Direction;
import dev.iovirt.controller.sfc.ChainRenderer.Group;
import dev.iovirt.controller.sfc.ChainRenderer.Hop;
import dev.iovirt.controller.sfc.ChainRenderer.Input;
import dev.iovirt.controller.sfc.ChainRenderer.Rendering;
import dev.iovirt.controller.sfc.ChainRenderer.Select;
import dev.iovirt.openflow.DatapathId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The renderer's exact output. Switches A (0xa1) and B (0xb2) tunnel to each other on their port
 * 10; network red has VNI 100, member a1 on A port 1 and (per test) a2 on A port 2 or b1 on B port 1.
 */
class ChainRendererTest {
    private static final DatapathId A = DatapathId.of(0xa1);
    private static final DatapathId B = DatapathId.of(0xb2);
    private static final String A1 = "02:00:00:00:00:01";
    private static final String A2 = "02:00:00:00:00:02";
    private static final String B1 = "02:00:00:00:00:03";
    private static final long BASE = ChainRenderer.STEERING_FIRST;
    private static final long COOKIE = ChainRenderer.COOKIE | BASE;
    private static final List<Tunnel> TUNNELS = List.of(new Tunnel(A, 10, B), new Tunnel(B, 10, A));

    private static PortPair pair(String name, DatapathId dpid, int in, int out) {
        return new PortPair(name, new HopPort(dpid, in), new HopPort(dpid, out));
    }

    private static FlowClassifier classifier(Integer proto, String src, String dst, Integer sport, Integer dport, String source) {
        return new FlowClassifier("c", "red", proto, src, dst, sport, dport, source);
    }

    private static FlowRule rule(int priority, Map<String, String> match, FlowAction... actions) {
        return new FlowRule(0, priority, COOKIE, 0, 0, match, List.of(actions));
    }

    private static Map<String, String> match(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static FlowAction out(int port) {
        return FlowAction.output(Integer.toString(port));
    }

    private static FlowAction tunnelId(long id) {
        return FlowAction.setField("tunnel_id", Long.toString(id));
    }

    @Test
    void twoGroupChainAcrossTwoSwitchesSteersOverTunnelsWithSteeringIdsBothWays() {
        // fw on A (in 20, out 21), then ids on B (in 30, out 31); a1 on A, b1 on B.
        Input in = new Input(new PortChain("web", List.of("fw", "ids"), List.of("c"), true),
                List.of(new Group("fw", List.of(pair("fw1", A, 20, 21))), new Group("ids", List.of(pair("ids1", B, 30, 31)))),
                List.of(classifier(null, "10.0.1.0/24", "10.0.2.0/24", null, null, null)), 100,
                List.of(new Member("red", A, 1, A1, null), new Member("red", B, 1, B1, null)), TUNNELS, BASE, 0);
        Rendering r = ChainRenderer.render(in);
        long fwFwd = BASE;
        long fwRev = BASE + 1;
        long idsFwd = BASE + 2;
        long idsRev = BASE + 3;
        assertThat(r.cookie()).isEqualTo(0x05FC_0000_00FF_F000L);
        assertThat(r.flows().get(A)).containsExactlyInAnyOrder(
                // a1 classified: forward to fw on A; reverse to ids' egress on B, over the tunnel with its steering id
                rule(610, match("in_port", "1", "dl_src", A1, "dl_type", "0x0800", "nw_src", "10.0.1.0/24", "nw_dst", "10.0.2.0/24"),
                        out(20)),
                rule(605, match("in_port", "1", "dl_src", A1, "dl_type", "0x0800", "nw_src", "10.0.2.0/24", "nw_dst", "10.0.1.0/24"),
                        tunnelId(idsRev), out(10)),
                // out of fw's egress (forward): on to ids on B
                rule(620, match("in_port", "21"), tunnelId(idsFwd), out(10)),
                // out of fw's ingress (reverse, first group): delivered by destination MAC
                rule(600, match("in_port", "20", "dl_dst", A1), out(1)),
                rule(600, match("in_port", "20", "dl_dst", B1), tunnelId(100), out(10)),
                // steered to fw from B, each direction with its id
                rule(620, match("in_port", "10", "tunnel_id", Long.toString(fwFwd)), out(20)),
                rule(620, match("in_port", "10", "tunnel_id", Long.toString(fwRev)), out(21)),
                // delivered on B after ids, reaching a1 over the tunnel
                rule(600, match("in_port", "10", "tunnel_id", "100", "dl_dst", A1), out(1)),
                rule(300, match("in_port", "20")),
                rule(300, match("in_port", "21")));
        assertThat(r.flows().get(B)).containsExactlyInAnyOrder(
                rule(610, match("in_port", "1", "dl_src", B1, "dl_type", "0x0800", "nw_src", "10.0.1.0/24", "nw_dst", "10.0.2.0/24"),
                        tunnelId(fwFwd), out(10)),
                rule(605, match("in_port", "1", "dl_src", B1, "dl_type", "0x0800", "nw_src", "10.0.2.0/24", "nw_dst", "10.0.1.0/24"),
                        out(31)),
                // out of ids' egress (forward, last group): delivered
                rule(600, match("in_port", "31", "dl_dst", A1), tunnelId(100), out(10)),
                rule(600, match("in_port", "31", "dl_dst", B1), out(1)),
                // out of ids' ingress (reverse): back to fw's egress on A
                rule(620, match("in_port", "30"), tunnelId(fwRev), out(10)),
                rule(620, match("in_port", "10", "tunnel_id", Long.toString(idsFwd)), out(30)),
                rule(620, match("in_port", "10", "tunnel_id", Long.toString(idsRev)), out(31)),
                rule(600, match("in_port", "10", "tunnel_id", "100", "dl_dst", B1), out(1)),
                rule(300, match("in_port", "30")),
                rule(300, match("in_port", "31")));
        assertThat(r.groups()).isEmpty();
        assertThat(r.hops()).containsExactly(
                new Hop("fw", "fw1", Direction.FORWARD, fwFwd, new HopPort(A, 20), new HopPort(A, 21), List.of()),
                new Hop("fw", "fw1", Direction.REVERSE, fwRev, new HopPort(A, 21), new HopPort(A, 20), List.of()),
                new Hop("ids", "ids1", Direction.FORWARD, idsFwd, new HopPort(B, 30), new HopPort(B, 31), List.of()),
                new Hop("ids", "ids1", Direction.REVERSE, idsRev, new HopPort(B, 31), new HopPort(B, 30), List.of()));
        assertThat(ChainRenderer.steeringIds(true, in.groups())).isEqualTo(4);
        // Every entry is valid OpenFlow.
        r.flows().values().forEach(l -> l.forEach(f -> FlowRules.toFlowMod(f, 0)));
    }

    @Test
    void twoInstanceGroupSpreadsWithASelectGroupPerDirectionInPairOrder() {
        Input in = new Input(new PortChain("lb", List.of("lb"), List.of("c"), true),
                List.of(new Group("lb", List.of(pair("lb1", A, 20, 21), pair("lb2", A, 22, 23)))),
                List.of(classifier(null, null, "10.0.0.2/32", null, null, null)), 100,
                List.of(new Member("red", A, 1, A1, null), new Member("red", A, 2, A2, null)), List.of(), BASE, 1);
        Rendering r = ChainRenderer.render(in);
        long fwdGroup = ChainRenderer.GROUP_ID_BASE | BASE; // sid(lb1, forward)
        long revGroup = ChainRenderer.GROUP_ID_BASE | (BASE + 1); // sid(lb1, reverse)
        assertThat(r.groups().get(A)).containsExactly(
                new GroupRule(fwdGroup, "select", List.of(new GroupBucket(1, null, List.of(out(20))),
                        new GroupBucket(1, null, List.of(out(22))))),
                new GroupRule(revGroup, "select", List.of(new GroupBucket(1, null, List.of(out(21))),
                        new GroupBucket(1, null, List.of(out(23))))));
        List<FlowRule> want = new java.util.ArrayList<>();
        for (String[] m : new String[][] {{"1", A1}, {"2", A2}}) {
            want.add(rule(610, match("in_port", m[0], "dl_src", m[1], "dl_type", "0x0800", "nw_dst", "10.0.0.2/32"),
                    FlowAction.group(fwdGroup)));
            want.add(rule(605, match("in_port", m[0], "dl_src", m[1], "dl_type", "0x0800", "nw_src", "10.0.0.2/32"),
                    FlowAction.group(revGroup)));
        }
        for (int hopPort : new int[] {20, 21, 22, 23}) {
            want.add(rule(600, match("in_port", Integer.toString(hopPort), "dl_dst", A1), out(1)));
            want.add(rule(600, match("in_port", Integer.toString(hopPort), "dl_dst", A2), out(2)));
            want.add(rule(300, match("in_port", Integer.toString(hopPort))));
        }
        List<FlowRule> inTable1 = want.stream().map(f -> new FlowRule(1, f.priority(), f.cookie(), 0, 0, f.match(), f.actions())).toList();
        assertThat(r.flows().get(A)).containsExactlyInAnyOrderElementsOf(inTable1);
        assertThat(r.hops()).extracting(Hop::pair, Hop::direction, Hop::selects).containsExactly(
                org.assertj.core.groups.Tuple.tuple("lb1", Direction.FORWARD, List.of(new Select(A, fwdGroup, 0))),
                org.assertj.core.groups.Tuple.tuple("lb1", Direction.REVERSE, List.of(new Select(A, revGroup, 0))),
                org.assertj.core.groups.Tuple.tuple("lb2", Direction.FORWARD, List.of(new Select(A, fwdGroup, 1))),
                org.assertj.core.groups.Tuple.tuple("lb2", Direction.REVERSE, List.of(new Select(A, revGroup, 1))));
        r.groups().get(A).forEach(g -> GroupRules.toAdd(g, 0));
    }

    @Test
    void classifierWithProtocolAndPortSwapsThePortsForTheReversePathAndHonoursTheLogicalSourcePort() {
        Input in = new Input(new PortChain("web", List.of("fw"), List.of("c"), true),
                List.of(new Group("fw", List.of(pair("fw1", A, 20, 21)))),
                List.of(classifier(6, "10.0.0.1", "10.0.0.2/32", null, 80, A1)), 100,
                List.of(new Member("red", A, 1, A1, null), new Member("red", A, 2, A2, null)), List.of(), BASE, 0);
        List<FlowRule> classify = ChainRenderer.render(in).flows().get(A).stream().filter(f -> f.priority() > 600).toList();
        assertThat(classify).containsExactlyInAnyOrder(
                // forward only from the logical source port a1 ...
                rule(610, match("in_port", "1", "dl_src", A1, "dl_type", "0x0800", "nw_src", "10.0.0.1", "nw_dst", "10.0.0.2/32",
                        "nw_proto", "6", "tp_dst", "80"), out(20)),
                // ... and the replies from the other members back through the egress port
                rule(605, match("in_port", "2", "dl_src", A2, "dl_type", "0x0800", "nw_src", "10.0.0.2/32", "nw_dst", "10.0.0.1",
                        "nw_proto", "6", "tp_src", "80"), out(21)));
        classify.forEach(f -> assertThat(FlowRules.toFlowMod(f, 0).toFlowString()).contains("tcp"));
    }

    @Test
    void anAsymmetricChainHasNoReversePathAndHalfTheSteeringIds() {
        Input in = new Input(new PortChain("web", List.of("fw"), List.of("c"), false),
                List.of(new Group("fw", List.of(pair("fw1", A, 20, 21)))),
                List.of(classifier(17, null, null, 53, null, null)), 100,
                List.of(new Member("red", A, 1, A1, null)), TUNNELS, BASE, 0);
        Rendering r = ChainRenderer.render(in);
        assertThat(r.flows().get(A)).extracting(FlowRule::priority).doesNotContain(605);
        assertThat(r.flows().get(A)).contains(rule(620, match("in_port", "10", "tunnel_id", Long.toString(BASE)), out(20)));
        assertThat(r.hops()).hasSize(1);
        assertThat(ChainRenderer.steeringIds(false, in.groups())).isEqualTo(1);
    }

    @Test
    void aPairUnreachableFromTheClassifyingSwitchDropsInsteadOfBypassing() {
        Input in = new Input(new PortChain("web", List.of("fw"), List.of("c"), false),
                List.of(new Group("fw", List.of(pair("fw1", B, 20, 21)))),
                List.of(classifier(null, null, null, null, null, null)), 100,
                List.of(new Member("red", A, 1, A1, null)), List.of(), BASE, 0);
        assertThat(ChainRenderer.render(in).flows().get(A))
                .containsExactly(rule(610, match("in_port", "1", "dl_src", A1, "dl_type", "0x0800")));
    }

    @Test
    void refusesAVniInTheSteeringRangeAndSteeringIdsBeyondIt() {
        List<Group> groups = List.of(new Group("fw", List.of(pair("fw1", A, 20, 21))));
        PortChain c = new PortChain("web", List.of("fw"), List.of(), true);
        assertThatThrownBy(() -> ChainRenderer.render(new Input(c, groups, List.of(), ChainRenderer.STEERING_FIRST, List.of(),
                List.of(), BASE, 0))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("vni");
        assertThatThrownBy(() -> ChainRenderer.render(new Input(c, groups, List.of(), 100, List.of(), List.of(),
                ChainRenderer.STEERING_LAST, 0))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("steering_base");
    }
}
