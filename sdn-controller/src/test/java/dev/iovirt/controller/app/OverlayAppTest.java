package dev.iovirt.controller.app;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.acl.AclManager;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The overlay app against fake switches: two switches A (0xa1) and B (0xb2), each with a VXLAN
 * tunnel port 10 to the other, and two networks: red (VNI 100: a1, a2 on A ports 1, 2; b1 on B
 * port 1) and blue (VNI 200: a3 on A port 3; b3 on B port 3).
 */
class OverlayAppTest {
    private static final String TOKEN = "overlay-token";
    private static final long A = 0xa1;
    private static final long B = 0xb2;
    private static final String A1 = "02:00:00:00:00:01";
    private static final String A2 = "02:00:00:00:00:02";
    private static final String B1 = "02:00:00:00:00:03";
    private static final String A3 = "02:00:00:00:00:04";
    private static final String B3 = "02:00:00:00:00:05";
    private static final String MC = OverlayApp.MULTICAST;
    private static final long RED = OverlayApp.COOKIE | 100;
    private static final long BLUE = OverlayApp.COOKIE | 200;

    private ControllerMain controller;
    private Http http;
    private final List<FakeSwitch> switches = new ArrayList<>();

    private void start(ControllerMain.Options options) throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN, options);
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
    }

    private void start() throws Exception {
        start(ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)).withOverlay(true));
    }

    private FakeSwitch connect(long dpid) throws Exception {
        return connect(dpid, new FakeSwitch(dpid, port(1, "p1"), port(2, "p2"), port(3, "p3"), port(10, "vxlan")));
    }

    private FakeSwitch connect(long dpid, FakeSwitch sw) throws Exception {
        switches.add(sw);
        sw.connect(controller.openflowAddress());
        sw.await(OfpFlowMod.class, f -> f.priority() == 0);
        waitFor(() -> controller.devices().device(DatapathId.of(dpid)).isPresent());
        return sw;
    }

    @AfterEach
    void stop() {
        switches.forEach(FakeSwitch::close);
        if (controller != null) {
            controller.close();
        }
    }

    private static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private void post(String path, String body) {
        Http.Response r = http.send("POST", path, body, TOKEN);
        assertThat(r.status()).as(path + " " + body + ": " + r.text()).isEqualTo(201);
    }

    /** Both networks, their members and the tunnels, through the API. */
    private void buildExample() {
        post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10, \"remote_dpid\": \"b2\"}");
        post("/networks/tunnels", "{\"dpid\": \"b2\", \"port\": 10, \"remote_dpid\": \"a1\"}");
        post("/networks", "{\"name\": \"red\", \"vni\": 100}");
        post("/networks", "{\"name\": \"blue\", \"vni\": 200}");
        member("red", A, 1, A1);
        member("red", A, 2, A2);
        member("red", B, 1, B1);
        member("blue", A, 3, A3);
        member("blue", B, 3, B3);
    }

    private void member(String network, long dpid, int port, String mac) {
        post("/networks/" + network + "/members", "{\"dpid\": \"" + Long.toHexString(dpid) + "\", \"port\": " + port
                + ", \"mac\": \"" + mac + "\", \"ipv4\": \"10.0.0." + port + "\"}");
    }

    private static List<OfpFlowMod> overlayEntries(FakeSwitch sw) {
        return sw.flows().stream().filter(f -> (f.cookie() & 0xFFFF_0000_0000_0000L) == OverlayApp.COOKIE).toList();
    }

    /** What the switch holds, comparable: table, priority, cookie, match, instructions. */
    private static Set<String> entries(List<OfpFlowMod> flows) {
        Set<String> s = new HashSet<>();
        for (OfpFlowMod f : flows) {
            s.add(f.tableId().value() + " " + f.priority() + " " + Long.toHexString(f.cookie()) + " " + f.match() + " " + f.instructions());
        }
        return s;
    }

    private static OfpFlowMod entry(int priority, long cookie, Map<String, String> match, FlowAction... actions) {
        return FlowRules.toFlowMod(new FlowRule(0, priority, cookie, 0, 0, match, List.of(actions)), 0);
    }

    private static FlowAction out(int port) {
        return FlowAction.output(Integer.toString(port));
    }

    private static FlowAction vni(long vni) {
        return FlowAction.setField("tunnel_id", Long.toString(vni));
    }

    private static Map<String, String> from(int port, String src, String dst) {
        return Map.of("in_port", Integer.toString(port), "dl_src", src, "dl_dst", dst);
    }

    private static Map<String, String> fromTunnel(long vni, String dst) {
        return Map.of("in_port", "10", "tunnel_id", Long.toString(vni), "dl_dst", dst);
    }

    private static Map<String, String> inPort(int p) {
        return Map.of("in_port", Integer.toString(p));
    }

    private static List<OfpFlowMod> expectedOnA() {
        return List.of(
                // red, from a1: to a2 locally, to b1 into the tunnel with the VNI, flood to a2 and the tunnel
                entry(500, RED, from(1, A1, A2), out(2)),
                entry(500, RED, from(1, A1, B1), vni(100), out(10)),
                entry(400, RED, from(1, A1, MC), out(2), vni(100), out(10)),
                entry(500, RED, from(2, A2, A1), out(1)),
                entry(500, RED, from(2, A2, B1), vni(100), out(10)),
                entry(400, RED, from(2, A2, MC), out(1), vni(100), out(10)),
                // red, from the tunnel: by tunnel_id to the local members only (split horizon)
                entry(500, RED, fromTunnel(100, A1), out(1)),
                entry(500, RED, fromTunnel(100, A2), out(2)),
                entry(400, RED, fromTunnel(100, MC), out(1), out(2)),
                // port security: anything else from a member port is dropped
                entry(300, RED, inPort(1)),
                entry(300, RED, inPort(2)),
                // blue
                entry(500, BLUE, from(3, A3, B3), vni(200), out(10)),
                entry(400, BLUE, from(3, A3, MC), vni(200), out(10)),
                entry(500, BLUE, fromTunnel(200, A3), out(3)),
                entry(400, BLUE, fromTunnel(200, MC), out(3)),
                entry(300, BLUE, inPort(3)),
                // no other VNI comes in from the tunnel
                entry(300, OverlayApp.COOKIE, inPort(10)));
    }

    private static List<OfpFlowMod> expectedOnB() {
        return List.of(
                entry(500, RED, from(1, B1, A1), vni(100), out(10)),
                entry(500, RED, from(1, B1, A2), vni(100), out(10)),
                entry(400, RED, from(1, B1, MC), vni(100), out(10)),
                entry(500, RED, fromTunnel(100, B1), out(1)),
                entry(400, RED, fromTunnel(100, MC), out(1)),
                entry(300, RED, inPort(1)),
                entry(500, BLUE, from(3, B3, A3), vni(200), out(10)),
                entry(400, BLUE, from(3, B3, MC), vni(200), out(10)),
                entry(500, BLUE, fromTunnel(200, B3), out(3)),
                entry(400, BLUE, fromTunnel(200, MC), out(3)),
                entry(300, BLUE, inPort(3)),
                entry(300, OverlayApp.COOKIE, inPort(10)));
    }

    @Test
    void networksRegisteredBeforeTheSwitchesConnectAreInstalledOnConnectionAndWhenSyncedSaysSo() throws Exception {
        start();
        buildExample();
        var synced = controller.overlay().orElseThrow().whenSynced(DatapathId.of(A));
        assertThat(synced).as("A has not connected").isNotDone();
        FakeSwitch a = connect(A);
        synced.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(entries(overlayEntries(a))).as("confirmed means installed").isEqualTo(entries(expectedOnA()));
    }

    @Test
    void twoSwitchesTwoNetworksGetExactlyTheOverlayFlows() throws Exception {
        start();
        FakeSwitch a = connect(A);
        FakeSwitch b = connect(B);
        buildExample();
        assertThat(entries(overlayEntries(a))).isEqualTo(entries(expectedOnA()));
        assertThat(entries(overlayEntries(b))).isEqualTo(entries(expectedOnB()));
        // Into the tunnel: set_field tunnel_id before the output, in the OpenFlow the switch got.
        OfpFlowMod intoTunnel = overlayEntries(a).stream().filter(f -> f.priority() == 500
                && f.match().equals(FlowRules.toMatch(from(1, A1, B1)))).findFirst().orElseThrow();
        assertThat(intoTunnel.instructions()).singleElement().isInstanceOfSatisfying(Instruction.ApplyActions.class, i -> {
            assertThat(i.actions()).hasSize(2);
            assertThat(i.actions().get(0)).isEqualTo(new Action.SetField(Oxm.exact(OxmField.TUNNEL_ID, 100)));
            assertThat(i.actions().get(1)).isInstanceOfSatisfying(Action.Output.class, o -> assertThat(o.port().value()).isEqualTo(10));
        });
        // Split horizon: nothing that came from the tunnel goes back into it.
        for (OfpFlowMod f : overlayEntries(a)) {
            if (f.match().equals(FlowRules.toMatch(fromTunnel(100, MC)))) {
                assertThat(f.instructions().toString()).doesNotContain("port=10").doesNotContain("TUNNEL_ID");
            }
        }
        assertThat(controller.overlay().orElseThrow().flowsFor(DatapathId.of(A))).hasSize(17);
    }

    @Test
    void deletingAMemberRemovesItsFlowsAndDeletingTheNetworkRemovesTheRest() throws Exception {
        start();
        FakeSwitch a = connect(A);
        FakeSwitch b = connect(B);
        buildExample();
        Http.Response d = http.send("DELETE", "/networks/red/members/" + A2, null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(overlayEntries(a)).noneMatch(f -> f.match().toString().contains("02:00:00:00:00:02"))
                .noneMatch(f -> f.match().equals(FlowRules.toMatch(inPort(2))));
        assertThat(overlayEntries(b)).noneMatch(f -> f.match().toString().contains("02:00:00:00:00:02"));
        // a1's flood now only goes into the tunnel; b1 still reaches a1.
        assertThat(entries(overlayEntries(a))).contains(entries(List.of(entry(400, RED, from(1, A1, MC), vni(100), out(10)))).iterator().next());
        assertThat(entries(overlayEntries(b))).contains(entries(List.of(entry(500, RED, from(1, B1, A1), vni(100), out(10)))).iterator().next());
        assertThat(a.received()).filteredOn(m -> m instanceof OfpFlowMod f && f.command() == FlowModCommand.DELETE_STRICT).isNotEmpty();

        assertThat(http.send("DELETE", "/networks/red", null, TOKEN).status()).isEqualTo(200);
        assertThat(overlayEntries(a)).allMatch(f -> f.cookie() == BLUE || f.cookie() == OverlayApp.COOKIE);
        assertThat(overlayEntries(b)).allMatch(f -> f.cookie() == BLUE || f.cookie() == OverlayApp.COOKIE);
        assertThat(http.send("DELETE", "/networks/blue", null, TOKEN).status()).isEqualTo(200);
        assertThat(overlayEntries(a)).isEmpty();
        assertThat(overlayEntries(b)).isEmpty();
    }

    @Test
    void aSwitchConnectingLaterGetsItsFlows() throws Exception {
        start();
        FakeSwitch a = connect(A);
        buildExample();
        assertThat(entries(overlayEntries(a))).isEqualTo(entries(expectedOnA()));
        FakeSwitch b = connect(B);
        waitFor(() -> overlayEntries(b).size() == expectedOnB().size());
        assertThat(entries(overlayEntries(b))).isEqualTo(entries(expectedOnB()));
    }

    @Test
    void aReconnectingSwitchLosesTheOverlayEntriesNoLongerWanted() throws Exception {
        start();
        FakeSwitch a = connect(A);
        buildExample();
        // An overlay entry the switch kept from an earlier session (a network since deleted).
        Http.Response stale = http.send("POST", "/switches/" + Long.toHexString(A) + "/flows", "{\"table\": 0, \"priority\": 500, "
                + "\"cookie\": " + (OverlayApp.COOKIE | 999) + ", \"match\": {\"in_port\": 7, \"dl_src\": \"02:00:00:00:00:77\", "
                + "\"dl_dst\": \"02:00:00:00:00:78\"}, \"actions\": [{\"type\": \"output\", \"port\": 8}]}", TOKEN);
        assertThat(stale.status()).as(stale.text()).isEqualTo(201);
        assertThat(overlayEntries(a)).hasSize(18);
        long deletesBefore = a.received().stream().filter(m -> m instanceof OfpFlowMod f && f.command() == FlowModCommand.DELETE_STRICT).count();
        // The switch connects again (as a switch that kept its tables would): DEVICE_ADDED.
        controller.overlay().orElseThrow().event(new DeviceEvent(DeviceEvent.Type.DEVICE_ADDED,
                controller.devices().device(DatapathId.of(A)).orElseThrow(), null));
        waitFor(() -> overlayEntries(a).size() == 17);
        assertThat(entries(overlayEntries(a))).isEqualTo(entries(expectedOnA()));
        // Only the stale entry was deleted.
        assertThat(a.received().stream().filter(m -> m instanceof OfpFlowMod f && f.command() == FlowModCommand.DELETE_STRICT).count())
                .isEqualTo(deletesBefore + 1);
    }

    @Test
    void withTheAclTheOverlayWorksInTheForwardingTable() throws Exception {
        start(ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)).withAcl(true).withOverlay(true));
        FakeSwitch a = connect(A);
        connect(B);
        buildExample();
        assertThat(overlayEntries(a)).hasSize(17).allMatch(f -> f.tableId().value() == AclManager.FORWARDING_TABLE);
    }

    @Test
    void withoutTheAppNetworksAreKeptButNoFlowsAreSent() throws Exception {
        start(ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)));
        FakeSwitch a = connect(A);
        connect(B);
        buildExample();
        assertThat(overlayEntries(a)).isEmpty();
        assertThat(http.get("/networks/red").json().path("members")).hasSize(3);
    }

    @Test
    void anEntryTheSwitchRefusesIsA409AndIsSentAgainWithTheNextChange() throws Exception {
        start();
        FakeSwitch a = connect(A, new FakeSwitch(A, port(1, "p1"), port(2, "p2"), port(3, "p3")).refuseFlowsOfPriority(OverlayApp.UNICAST_PRIORITY));
        post("/networks", "{\"name\": \"red\", \"vni\": 100}");
        post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"" + A1 + "\"}");
        Http.Response r = http.send("POST", "/networks/red/members", "{\"dpid\": \"a1\", \"port\": 2, \"mac\": \"" + A2 + "\"}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("FLOW_MOD_FAILED");
        // The member is kept (no roll-back); the refused entries were not counted as installed ...
        assertThat(http.get("/networks/red").json().path("members")).hasSize(2);
        OfpFlowMod a1ToA2 = entry(500, RED, from(1, A1, A2), out(2));
        Supplier<Long> sent = () -> a.received().stream().filter(m -> m instanceof OfpFlowMod f && f.command() == FlowModCommand.ADD
                && f.priority() == 500 && f.match().equals(a1ToA2.match())).count();
        assertThat(sent.get()).isEqualTo(1);
        // ... so the next change of the switch sends them again.
        Http.Response again = http.send("POST", "/networks/red/members", "{\"dpid\": \"a1\", \"port\": 3, \"mac\": \"" + A3 + "\"}", TOKEN);
        assertThat(again.status()).as(again.text()).isEqualTo(409);
        assertThat(sent.get()).isEqualTo(2);
        assertThat(entries(overlayEntries(a))).contains(entries(List.of(entry(400, RED, from(1, A1, MC), out(2), out(3)))).iterator().next());
    }

    @Test
    void overlayIsAnAppName() {
        assertThat(ControllerMain.apps("learning-switch,overlay", ControllerMain.Options.defaults()).overlay()).isTrue();
        assertThat(ControllerMain.apps("learning-switch", ControllerMain.Options.defaults()).overlay()).isFalse();
    }
}
