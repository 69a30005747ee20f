package dev.iovirt.controller.sfc;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.app.OverlayApp;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.group.GroupRules;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpGroupMod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SFC app against fake switches A (0xa1) and B (0xb2), each with a VXLAN tunnel port 10 to the
 * other; network red (VNI 100) with a1 on A port 1 and b1 on B port 1; appliance ports 20..23 on A
 * and 30, 31 on B.
 */
class SfcAppTest {
    private static final String TOKEN = "sfc-token";
    private static final DatapathId A = DatapathId.of(0xa1);
    private static final DatapathId B = DatapathId.of(0xb2);

    private ControllerMain controller;
    private Http http;
    private final List<FakeSwitch> switches = new ArrayList<>();

    private void start() throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)).withOverlay(true));
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
    }

    private FakeSwitch connect(long dpid) throws Exception {
        FakeSwitch sw = new FakeSwitch(dpid, port(1, "p1"), port(2, "p2"), port(10, "vxlan"), port(20, "fw-in"), port(21, "fw-out"),
                port(22, "fw2-in"), port(23, "fw2-out"), port(30, "ids-in"), port(31, "ids-out"));
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

    private Http.Response post(String path, String body) {
        Http.Response r = http.send("POST", path, body, TOKEN);
        assertThat(r.status()).as(path + " " + body + ": " + r.text()).isEqualTo(201);
        return r;
    }

    /** Red with a1 on A and b1 on B, the tunnels, and appliances fw1 (A 20/21) and ids1 (B 30/31) in groups fw and ids. */
    private void buildExample() {
        post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10, \"remote_dpid\": \"b2\"}");
        post("/networks/tunnels", "{\"dpid\": \"b2\", \"port\": 10, \"remote_dpid\": \"a1\"}");
        post("/networks", "{\"name\": \"red\", \"vni\": 100}");
        post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\", \"ipv4\": \"10.0.0.1\"}");
        post("/networks/red/members", "{\"dpid\": \"b2\", \"port\": 1, \"mac\": \"02:00:00:00:00:03\", \"ipv4\": \"10.0.0.3\"}");
        post("/sfc/port-pairs", pair("fw1", "a1", 20, 21));
        post("/sfc/port-pairs", pair("ids1", "b2", 30, 31));
        post("/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": [\"fw1\"]}");
        post("/sfc/port-pair-groups", "{\"name\": \"ids\", \"port_pairs\": [\"ids1\"]}");
        post("/sfc/flow-classifiers", "{\"name\": \"web\", \"network\": \"red\", \"protocol\": \"tcp\", "
                + "\"source_ip_prefix\": \"10.0.0.1/32\", \"destination_ip_prefix\": \"10.0.0.3/32\", "
                + "\"destination_port_range_min\": 80, \"destination_port_range_max\": 80}");
    }

    static String pair(String name, String dpid, int in, int out) {
        return "{\"name\": \"" + name + "\", \"ingress\": {\"dpid\": \"" + dpid + "\", \"port\": " + in + "}, "
                + "\"egress\": {\"dpid\": \"" + dpid + "\", \"port\": " + out + "}}";
    }

    private static List<OfpFlowMod> sfcEntries(FakeSwitch sw) {
        return sw.flows().stream().filter(f -> (f.cookie() & ChainRenderer.COOKIE_MASK) == ChainRenderer.COOKIE).toList();
    }

    private static List<OfpFlowMod> overlayEntries(FakeSwitch sw) {
        return sw.flows().stream().filter(f -> (f.cookie() & OverlayApp.COOKIE_MASK) == OverlayApp.COOKIE).toList();
    }

    private static Set<String> entries(List<OfpFlowMod> flows) {
        Set<String> s = new HashSet<>();
        for (OfpFlowMod f : flows) {
            s.add(f.tableId().value() + " " + f.priority() + " " + Long.toHexString(f.cookie()) + " " + f.match() + " " + f.instructions());
        }
        return s;
    }

    private Set<String> rendered(String chain, DatapathId dpid) {
        ChainRenderer.Rendering r = ChainRenderer.render(controller.sfc().renderInput(chain, 0).orElseThrow());
        List<OfpFlowMod> mods = new ArrayList<>();
        for (FlowRule f : r.flows().getOrDefault(dpid, List.of())) {
            mods.add(FlowRules.toFlowMod(f, 0));
        }
        return entries(mods);
    }

    @Test
    void aChainAcrossTwoSwitchesIsInstalledAsRenderedAndRemovedWithIt() throws Exception {
        start();
        FakeSwitch a = connect(0xa1);
        FakeSwitch b = connect(0xb2);
        buildExample();
        Set<String> overlayOnA = entries(overlayEntries(a));
        Http.Response r = post("/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\", \"ids\"], "
                + "\"flow_classifiers\": [\"web\"]}");
        assertThat(r.json().path("chain_parameters").path("symmetric").asBoolean()).isTrue();
        assertThat(r.json().path("steering_id_base").asLong()).isEqualTo(ChainRenderer.STEERING_FIRST);
        // Exactly the renderer's entries (ChainRendererTest has them spelled out): 10 on each switch.
        assertThat(entries(sfcEntries(a))).hasSize(10).isEqualTo(rendered("web", A));
        assertThat(entries(sfcEntries(b))).hasSize(10).isEqualTo(rendered("web", B));
        assertThat(entries(sfcEntries(a))).anyMatch(e -> e.startsWith("0 610 5fc000000fff000 ") && e.contains("tcp_dst=80")
                && e.contains("output:20"));
        assertThat(entries(overlayEntries(a))).as("the overlay's own entries stay").isEqualTo(overlayOnA);
        // Deleting the chain removes every SFC entry and nothing else.
        assertThat(http.send("DELETE", "/sfc/port-chains/web", null, TOKEN).status()).isEqualTo(200);
        assertThat(sfcEntries(a)).isEmpty();
        assertThat(sfcEntries(b)).isEmpty();
        assertThat(entries(overlayEntries(a))).isEqualTo(overlayOnA);
    }

    @Test
    void aMemberAddedLaterIsClassifiedAndDeliveredTo() throws Exception {
        start();
        FakeSwitch a = connect(0xa1);
        connect(0xb2);
        buildExample();
        post("/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"web\"]}");
        int before = sfcEntries(a).size();
        post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 2, \"mac\": \"02:00:00:00:00:02\"}");
        assertThat(entries(sfcEntries(a))).isEqualTo(rendered("web", A));
        // a2: a forward and a reverse classification entry; a delivery entry from each of fw's ports (its only group)
        assertThat(sfcEntries(a)).hasSize(before + 4);
        assertThat(entries(sfcEntries(a))).anyMatch(e -> e.contains("in_port=2") && e.startsWith("0 610 "));
    }

    @Test
    void aTwoInstanceGroupGetsSelectGroupsBeforeItsFlowsAndLosesThemAfter() throws Exception {
        start();
        FakeSwitch a = connect(0xa1);
        connect(0xb2);
        buildExample();
        post("/sfc/port-pairs", pair("fw2", "a1", 22, 23));
        assertThat(http.send("DELETE", "/sfc/port-pair-groups/ids", null, TOKEN).status()).isEqualTo(200);
        post("/sfc/port-pair-groups", "{\"name\": \"fws\", \"port_pairs\": [\"fw2\", \"ids1\"]}");
        post("/sfc/port-chains", "{\"name\": \"lb\", \"port_pair_groups\": [\"fws\"], \"flow_classifiers\": [\"web\"]}");
        long fwd = ChainRenderer.GROUP_ID_BASE | ChainRenderer.STEERING_FIRST;
        long rev = ChainRenderer.GROUP_ID_BASE | (ChainRenderer.STEERING_FIRST + 1);
        ChainRenderer.Rendering r = ChainRenderer.render(controller.sfc().renderInput("lb", 0).orElseThrow());
        assertThat(a.groups()).extracting(g -> (long) g.groupId().value()).containsExactly(fwd, rev);
        assertThat(a.groups()).containsExactlyElementsOf(r.groups().get(A).stream().map(g -> GroupRules.toAdd(g, 0))
                .map(g -> a.groups().stream().filter(x -> x.groupId().equals(g.groupId())).findFirst().orElseThrow()).toList());
        for (OfpGroupMod g : a.groups()) {
            assertThat(g.buckets()).hasSize(2);
        }
        // The first pair on A directly, the second on B over the tunnel with its steering id.
        assertThat(a.groups().get(0).buckets().get(0).actions().toString()).contains("output:22");
        assertThat(a.groups().get(0).buckets().get(1).actions().toString()).contains("output:10");
        Http.Response counters = http.get("/sfc/port-chains/lb/counters");
        assertThat(counters.status()).as(counters.text()).isEqualTo(200);
        JsonNode hops = counters.json().path("hops");
        assertThat(hops).hasSize(4);
        // The fake switch reports bucket i with i + 1 packets of 100 bytes each.
        assertThat(hops.get(0).path("port_pair").asText()).isEqualTo("fw2");
        assertThat(hops.get(0).path("selected_packets").asLong()).isEqualTo(1 + 1); // bucket 0 on A and on B
        assertThat(hops.get(2).path("port_pair").asText()).isEqualTo("ids1");
        assertThat(hops.get(2).path("selected_bytes").asLong()).isEqualTo(200 + 200);
        assertThat(http.send("DELETE", "/sfc/port-chains/lb", null, TOKEN).status()).isEqualTo(200);
        assertThat(a.groups()).isEmpty();
        assertThat(sfcEntries(a)).isEmpty();
    }

    @Test
    void countersAddUpTheEntriesLeavingEachHopPerDirection() throws Exception {
        start();
        connect(0xa1);
        connect(0xb2);
        buildExample();
        post("/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\", \"ids\"], \"flow_classifiers\": [\"web\"]}");
        Http.Response r = http.get("/sfc/port-chains/web/counters");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode hops = r.json().path("hops");
        // The fake switch reports 3 packets of 60 bytes per entry.
        // fw1 forward leaves at A:21 (steer to ids, drop); reverse at A:20 (deliver to a1 and b1, drop).
        assertThat(hops.get(0).path("direction").asText()).isEqualTo("forward");
        assertThat(hops.get(0).path("exit").path("port").asLong()).isEqualTo(21);
        assertThat(hops.get(0).path("packets").asLong()).isEqualTo(6);
        assertThat(hops.get(0).path("bytes").asLong()).isEqualTo(360);
        assertThat(hops.get(1).path("direction").asText()).isEqualTo("reverse");
        assertThat(hops.get(1).path("packets").asLong()).isEqualTo(9);
        // ids1 forward leaves at B:31 (deliver to a1 and b1, drop); reverse at B:30 (steer back to fw, drop).
        assertThat(hops.get(2).path("port_pair").asText()).isEqualTo("ids1");
        assertThat(hops.get(2).path("packets").asLong()).isEqualTo(9);
        assertThat(hops.get(3).path("packets").asLong()).isEqualTo(6);
        assertThat(hops.get(3).path("steering_id").asLong()).isEqualTo(ChainRenderer.STEERING_FIRST + 3);
        assertThat(hops.get(0).path("selected_packets").asLong()).isZero();
        assertThat(http.get("/sfc/port-chains/nope/counters").status()).isEqualTo(404);
    }

    @Test
    void aSwitchConnectingLaterGetsItsEntriesAndLosesStaleOnes() throws Exception {
        start();
        FakeSwitch a = connect(0xa1);
        buildExample();
        post("/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\", \"ids\"], \"flow_classifiers\": [\"web\"]}");
        FakeSwitch b = connect(0xb2);
        waitFor(() -> entries(sfcEntries(b)).equals(rendered("web", B)));
        assertThat(entries(sfcEntries(b))).isEqualTo(rendered("web", B));
        assertThat(entries(sfcEntries(a))).isEqualTo(rendered("web", A));
    }

    @Test
    void aReconnectingSwitchLosesTheSfcEntriesAndGroupsNoLongerWanted() throws Exception {
        start();
        FakeSwitch a = connect(0xa1);
        connect(0xb2);
        buildExample();
        post("/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\", \"ids\"], \"flow_classifiers\": [\"web\"]}");
        // An SFC entry and a chain's group the switch kept from an earlier session (a chain since deleted).
        long staleGroup = ChainRenderer.GROUP_ID_BASE | 0xFFFF00L;
        post("/switches/a1/groups", "{\"group_id\": " + staleGroup + ", \"type\": \"select\", \"buckets\": [{\"actions\": "
                + "[{\"type\": \"output\", \"port\": 22}]}]}");
        post("/switches/a1/flows", "{\"table\": 0, \"priority\": 620, \"cookie\": " + (ChainRenderer.COOKIE | 0xFFFF00L)
                + ", \"match\": {\"in_port\": 23}, \"actions\": [{\"type\": \"group\", \"group\": " + staleGroup + "}]}");
        assertThat(sfcEntries(a)).hasSize(11);
        controller.sfcApp().orElseThrow().event(new dev.iovirt.controller.device.DeviceEvent(
                dev.iovirt.controller.device.DeviceEvent.Type.DEVICE_ADDED, controller.devices().device(A).orElseThrow(), null));
        waitFor(() -> sfcEntries(a).size() == 10 && a.groups().isEmpty());
        assertThat(entries(sfcEntries(a))).isEqualTo(rendered("web", A));
        assertThat(a.groups()).isEmpty();
    }

    @Test
    void withoutTheOverlayAppChainsAreKeptButNothingIsSentOrCounted() throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)));
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
        FakeSwitch a = connect(0xa1);
        buildExample();
        post("/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"web\"]}");
        a.barrierRoundTrip();
        assertThat(sfcEntries(a)).isEmpty();
        Http.Response r = http.get("/sfc/port-chains/web/counters");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("overlay");
    }
}
