package dev.iovirt.controller.sfc;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.openflow.DatapathId;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /sfc/port-pairs, /port-pair-groups, /flow-classifiers, /port-chains: every status, each error naming its field. */
class SfcRestTest {
    private static final String TOKEN = "sfc-rest-token";
    private ControllerMain controller;
    private Http http;
    private FakeSwitch sw;

    @BeforeEach
    void start() throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLearningSwitch(false).withLldp(false, Duration.ofMinutes(10)).withOverlay(true));
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
        sw = new FakeSwitch(0xa1, port(1, "p1"), port(2, "p2"), port(10, "vxlan"), port(20, "in"), port(21, "out"))
                .connect(controller.openflowAddress());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (controller.devices().device(DatapathId.of(0xa1)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        created(post("/networks", "{\"name\": \"red\", \"vni\": 100}"));
        created(post("/networks", "{\"name\": \"blue\", \"vni\": 200}"));
        created(post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\"}"));
        created(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10, \"remote_dpid\": \"b2\"}"));
    }

    @AfterEach
    void stop() {
        sw.close();
        controller.close();
    }

    private Http.Response post(String path, String body) {
        return http.send("POST", path, body, TOKEN);
    }

    private Http.Response delete(String path) {
        return http.send("DELETE", path, null, TOKEN);
    }

    private static Http.Response created(Http.Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r;
    }

    private static void assertError(Http.Response r, int status, String field, String messagePart) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).as(r.text()).contains(messagePart);
        if (field == null) {
            assertThat(r.json().get("field").isNull()).as(r.text()).isTrue();
        } else {
            assertThat(r.json().path("field").asText()).as(r.text()).isEqualTo(field);
        }
    }

    @Test
    void portPairsAreAddedListedFetchedDeletedAndRefusedNamingTheField() {
        String fw1 = SfcAppTest.pair("fw1", "a1", 20, 21);
        Http.Response r = created(post("/sfc/port-pairs", fw1));
        assertThat(r.json().path("ingress").path("dpid").asText()).isEqualTo("00000000000000a1");
        assertThat(r.json().path("egress").path("port").asLong()).isEqualTo(21);
        assertThat(http.get("/sfc/port-pairs").json()).hasSize(1);
        assertThat(http.get("/sfc/port-pairs/fw1").json().path("name").asText()).isEqualTo("fw1");
        assertError(http.get("/sfc/port-pairs/nope"), 404, "name", "no port pair nope");
        assertError(post("/sfc/port-pairs", fw1), 409, "name", "exists");
        assertError(post("/sfc/port-pairs", SfcAppTest.pair("x", "a1", 20, 22)), 409, "ingress", "port pair fw1's");
        assertError(post("/sfc/port-pairs", SfcAppTest.pair("x", "a1", 1, 22)), 409, "ingress", "member's port");
        assertError(post("/sfc/port-pairs", SfcAppTest.pair("x", "a1", 22, 10)), 409, "egress", "tunnel");
        assertError(post("/sfc/port-pairs", SfcAppTest.pair("x", "a1", 22, 22)), 400, "egress", "another port");
        assertError(post("/sfc/port-pairs", "{\"name\": \"x\", \"ingress\": {\"dpid\": \"a1\", \"port\": 0}, "
                + "\"egress\": {\"dpid\": \"a1\", \"port\": 3}}"), 400, "ingress.port", "at least 1");
        assertError(post("/sfc/port-pairs", "{\"name\": \"x\", \"ingress\": {\"dpid\": \"a1\", \"port\": 3}}"), 400, "egress", "required");
        assertThat(http.send("POST", "/sfc/port-pairs", SfcAppTest.pair("y", "a1", 3, 4), null).status()).isEqualTo(401);
        assertThat(http.send("POST", "/sfc/port-pairs", SfcAppTest.pair("y", "a1", 3, 4), "wrong").status()).isEqualTo(403);
        // The network side refuses what would make an appliance port a member or a tunnel.
        assertError(post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 20, \"mac\": \"02:00:00:00:00:09\"}"), 409, "port",
                "port pair fw1's");
        assertError(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 21, \"remote_dpid\": \"c3\"}"), 409, "port",
                "port pair fw1's");
        assertThat(delete("/sfc/port-pairs/fw1").json().path("deleted").asText()).isEqualTo("fw1");
        assertError(delete("/sfc/port-pairs/fw1"), 404, "name", "no port pair fw1");
        assertThat(http.get("/sfc/port-pairs").json()).isEmpty();
    }

    @Test
    void groupsClassifiersAndChainsAreCheckedNamingTheField() {
        created(post("/sfc/port-pairs", SfcAppTest.pair("fw1", "a1", 20, 21)));
        created(post("/sfc/port-pairs", SfcAppTest.pair("fw2", "a1", 22, 23)));
        // groups
        assertError(post("/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": []}"), 400, "port_pairs", "at least 1");
        assertError(post("/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": [\"fw1\", \"nope\"]}"), 404, "port_pairs[1]",
                "no port pair nope");
        assertError(post("/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": [\"fw1\", \"fw1\"]}"), 400, "port_pairs[1]", "twice");
        created(post("/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": [\"fw1\"]}"));
        assertError(post("/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": [\"fw2\"]}"), 409, "name", "exists");
        assertError(post("/sfc/port-pair-groups", "{\"name\": \"g2\", \"port_pairs\": [\"fw1\"]}"), 409, "port_pairs[0]",
                "in port-pair group fw");
        assertError(delete("/sfc/port-pairs/fw1"), 409, "name", "in port-pair group fw");
        assertThat(http.get("/sfc/port-pair-groups/fw").json().path("port_pairs").get(0).asText()).isEqualTo("fw1");
        assertThat(http.get("/sfc/port-pair-groups").json()).hasSize(1);
        created(post("/sfc/port-pair-groups", "{\"name\": \"fw-b\", \"port_pairs\": [\"fw2\"]}"));
        // classifiers
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"c\", \"network\": \"green\"}"), 404, "network", "no network green");
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"c\", \"network\": \"red\", \"ethertype\": \"IPv6\"}"), 400, "ethertype",
                "IPv4");
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"c\", \"network\": \"red\", \"protocol\": \"tcp\", "
                + "\"destination_port_range_min\": 80, \"destination_port_range_max\": 90}"), 400, "destination_port_range_max",
                "ranges are not supported");
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"c\", \"network\": \"red\", \"protocol\": \"icmp\", "
                + "\"source_port_range_min\": 80}"), 400, "source_port_range_min", "tcp (6) or udp (17)");
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"c\", \"network\": \"red\", \"source_ip_prefix\": \"10.0.0.0/40\"}"),
                400, "source_ip_prefix", "IPv4 address or prefix");
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"c\", \"network\": \"red\", \"logical_source_port\": \"02:00:00:00:00:09\"}"),
                404, "logical_source_port", "no member");
        Http.Response c = created(post("/sfc/flow-classifiers", "{\"name\": \"web\", \"network\": \"red\", \"protocol\": \"tcp\", "
                + "\"destination_ip_prefix\": \"10.0.0.0/24\", \"destination_port_range_min\": 80, \"destination_port_range_max\": 80, "
                + "\"logical_source_port\": \"02:00:00:00:00:01\"}"));
        assertThat(c.json().path("destination_port_range_max").asInt()).isEqualTo(80);
        assertThat(c.json().path("protocol").asText()).isEqualTo("tcp");
        assertError(post("/sfc/flow-classifiers", "{\"name\": \"web\", \"network\": \"red\"}"), 409, "name", "exists");
        created(post("/sfc/flow-classifiers", "{\"name\": \"web-too\", \"network\": \"red\", \"destination_ip_prefix\": \"10.0.0.5\"}"));
        created(post("/sfc/flow-classifiers", "{\"name\": \"blue\", \"network\": \"blue\"}"));
        created(post("/sfc/flow-classifiers", "{\"name\": \"dns\", \"network\": \"red\", \"protocol\": \"udp\", "
                + "\"destination_port_range_min\": 53}"));
        assertThat(http.get("/sfc/flow-classifiers/web").json().path("network").asText()).isEqualTo("red");
        // chains
        String chain = "{\"name\": \"web\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"web\"]}";
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [], \"flow_classifiers\": [\"web\"]}"), 400,
                "port_pair_groups", "at least 1");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw\", \"nope\"], \"flow_classifiers\": [\"web\"]}"),
                404, "port_pair_groups[1]", "no port-pair group nope");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"nope\"]}"),
                404, "flow_classifiers[0]", "no flow classifier nope");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"web\", \"blue\"]}"),
                400, "flow_classifiers[1]", "one network");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"web\", \"web-too\"]}"),
                409, "flow_classifiers[1]", "overlaps web");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"web\"], "
                + "\"chain_parameters\": {\"symmetric\": \"yes\"}}"), 400, "chain_parameters.symmetric", "boolean");
        Http.Response ch = created(post("/sfc/port-chains", chain));
        assertThat(ch.json().path("chain_parameters").path("symmetric").asBoolean()).isTrue();
        assertThat(ch.json().path("steering_id_base").asLong()).isEqualTo(ChainRenderer.STEERING_FIRST);
        assertError(post("/sfc/port-chains", chain), 409, "name", "exists");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw\"], \"flow_classifiers\": [\"dns\"]}"), 409,
                "port_pair_groups[0]", "in port chain web");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw-b\"], \"flow_classifiers\": [\"web\"]}"),
                409, "flow_classifiers[0]", "in port chain web");
        assertError(post("/sfc/port-chains", "{\"name\": \"x\", \"port_pair_groups\": [\"fw-b\"], \"flow_classifiers\": [\"web-too\"]}"),
                409, "flow_classifiers[0]", "overlaps web of port chain web");
        Http.Response asym = created(post("/sfc/port-chains", "{\"name\": \"dns\", \"port_pair_groups\": [\"fw-b\"], "
                + "\"flow_classifiers\": [\"dns\"], \"chain_parameters\": {\"symmetric\": false}}"));
        assertThat(asym.json().path("steering_id_base").asLong()).as("after web's two ids").isEqualTo(ChainRenderer.STEERING_FIRST + 2);
        assertThat(http.get("/sfc/port-chains").json()).hasSize(2);
        assertThat(http.get("/sfc/port-chains/web").json().path("flow_classifiers").get(0).asText()).isEqualTo("web");
        // in use
        assertError(delete("/sfc/port-pair-groups/fw"), 409, "name", "in port chain web");
        assertError(delete("/sfc/flow-classifiers/web"), 409, "name", "in port chain web");
        assertError(delete("/networks/red"), 409, "name", "flow classifier web's");
        assertThat(http.send("DELETE", "/sfc/port-chains/web", null, null).status()).isEqualTo(401);
        assertThat(delete("/sfc/port-chains/web").json().path("deleted").asText()).isEqualTo("web");
        assertError(delete("/sfc/port-chains/web"), 404, "name", "no port chain web");
        assertError(http.get("/sfc/port-chains/web"), 404, "name", "no port chain web");
        assertThat(delete("/sfc/flow-classifiers/web").status()).isEqualTo(200);
        assertThat(delete("/sfc/port-pair-groups/fw").status()).isEqualTo(200);
        assertError(delete("/sfc/port-pair-groups/fw"), 404, "name", "no port-pair group fw");
        assertError(delete("/sfc/flow-classifiers/web"), 404, "name", "no flow classifier web");
    }

    @Test
    void networksCannotTakeASteeringIdAsVni() {
        assertError(post("/networks", "{\"name\": \"green\", \"vni\": 16773120}"), 400, "vni", "reserved for service-chain steering");
        created(post("/networks", "{\"name\": \"green\", \"vni\": 16773119}"));
    }
}
