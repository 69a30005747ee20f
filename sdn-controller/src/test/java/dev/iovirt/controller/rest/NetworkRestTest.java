package dev.iovirt.controller.rest;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.app.OverlayApp;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.controller.topology.Link;
import dev.iovirt.controller.topology.ConnectPoint;
import dev.iovirt.openflow.OfpFlowMod;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /networks, /networks/{name}, its members and /networks/tunnels, in the style of {@link RestApiTest}. */
class NetworkRestTest {
    private static final String TOKEN = "net-token";
    private ControllerMain controller;
    private Http http;
    private FakeSwitch sw;

    @BeforeEach
    void start() throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLearningSwitch(false).withLldp(false, Duration.ofMinutes(10)).withOverlay(true));
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
        sw = new FakeSwitch(0xa1, port(1, "p1"), port(2, "p2"), port(10, "vxlan")).connect(controller.openflowAddress());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (controller.devices().device(DatapathId.of(0xa1)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() {
        sw.close();
        controller.close();
    }

    private static void assertError(Http.Response r, int status, String field, String messagePart) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.json().path("error").asText()).contains(messagePart);
        if (field == null) {
            assertThat(r.json().get("field").isNull()).as(r.text()).isTrue();
        } else {
            assertThat(r.json().path("field").asText()).as(r.text()).isEqualTo(field);
        }
    }

    private Http.Response post(String path, String body) {
        return http.send("POST", path, body, TOKEN);
    }

    @Test
    void networkIsCreatedListedFetchedAndDeleted() {
        Http.Response r = post("/networks", "{\"name\": \"red\", \"vni\": 100}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().path("name").asText()).isEqualTo("red");
        assertThat(r.json().path("vni").asLong()).isEqualTo(100);
        assertThat(r.json().path("members")).isEmpty();
        assertThat(http.get("/networks").json()).hasSize(1);
        assertThat(http.get("/networks/red").json().path("vni").asLong()).isEqualTo(100);
        Http.Response d = http.send("DELETE", "/networks/red", null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(d.json().path("deleted").asText()).isEqualTo("red");
        assertError(http.get("/networks/red"), 404, "name", "no network red");
        assertThat(http.get("/networks").json()).isEmpty();
    }

    @Test
    void membersAreAddedShownAndDeletedAndTheirFlowsFollow() {
        assertThat(post("/networks/tunnels", "{\"dpid\": \"00:00:00:00:00:00:00:a1\", \"port\": 10, \"remote_dpid\": \"b2\"}").status())
                .isEqualTo(201);
        assertThat(post("/networks", "{\"name\": \"red\", \"vni\": 100}").status()).isEqualTo(201);
        Http.Response m = post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:0A\", \"ipv4\": \"10.0.0.1\"}");
        assertThat(m.status()).as(m.text()).isEqualTo(201);
        assertThat(m.json().path("mac").asText()).isEqualTo("02:00:00:00:00:0a");
        assertThat(m.json().path("dpid").asText()).isEqualTo("00000000000000a1");
        assertThat(post("/networks/red/members", "{\"dpid\": \"b2\", \"port\": 1, \"mac\": \"02:00:00:00:00:0b\"}").status()).isEqualTo(201);
        JsonNode red = http.get("/networks/red").json();
        assertThat(red.path("members")).hasSize(2);
        assertThat(red.path("members").get(0).path("ipv4").asText()).isEqualTo("10.0.0.1");
        assertThat(red.path("members").get(1).has("ipv4")).isFalse();
        // Confirmed by barriers: the switch has the entries when the POST answers.
        assertThat(sw.flows()).filteredOn(f -> f.cookie() == (OverlayApp.COOKIE | 100)).isNotEmpty();

        assertError(http.send("DELETE", "/networks/red/members/02:00:00:00:00:0c", null, TOKEN), 404, "mac", "no member");
        Http.Response d = http.send("DELETE", "/networks/red/members/02:00:00:00:00:0A", null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(sw.flows()).noneMatch(f -> f.cookie() == (OverlayApp.COOKIE | 100));
        assertThat(http.get("/networks/red").json().path("members")).hasSize(1);
    }

    @Test
    void tunnelsAreRegisteredListedAndUnregistered() {
        Http.Response r = post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10, \"remote_dpid\": \"b2\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().path("remote_dpid").asText()).isEqualTo("00000000000000b2");
        assertThat(http.get("/networks/tunnels").json()).hasSize(1);
        assertError(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10, \"remote_dpid\": \"c3\"}"), 409, "port", "already the tunnel");
        assertError(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 11, \"remote_dpid\": \"b2\"}"), 409, "remote_dpid", "already tunnels");
        assertError(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 11, \"remote_dpid\": \"a1\"}"), 400, "remote_dpid", "another switch");
        assertError(http.send("DELETE", "/networks/tunnels/a1/11", null, TOKEN), 404, "port", "no tunnel on port 11");
        Http.Response d = http.send("DELETE", "/networks/tunnels/a1/10", null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(http.get("/networks/tunnels").json()).isEmpty();
    }

    @Test
    void tunnelsAreTopologyLinksOfTypeTunnelUntilDeleted() {
        assertThat(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10, \"remote_dpid\": \"b2\"}").status()).isEqualTo(201);
        // Only a1's end registered: the remote port is not known yet.
        JsonNode links = http.get("/topology").json().path("links");
        assertThat(links).hasSize(1);
        assertThat(links.get(0).path("type").asText()).isEqualTo("tunnel");
        assertThat(links.get(0).path("src").path("dpid").asText()).isEqualTo("00000000000000a1");
        assertThat(links.get(0).path("src").path("port").asInt()).isEqualTo(10);
        assertThat(links.get(0).path("dst").path("dpid").asText()).isEqualTo("00000000000000b2");
        assertThat(links.get(0).path("dst").get("port").isNull()).as(links.toString()).isTrue();
        assertThat(controller.topology().isInfrastructure(DatapathId.of(0xa1), 10)).isTrue();
        // b2 registers its end (port 20): a link each way, each naming the other's tunnel port.
        assertThat(post("/networks/tunnels", "{\"dpid\": \"b2\", \"port\": 20, \"remote_dpid\": \"a1\"}").status()).isEqualTo(201);
        ConnectPoint a = new ConnectPoint(DatapathId.of(0xa1), PortNo.of(10));
        ConnectPoint b = new ConnectPoint(DatapathId.of(0xb2), PortNo.of(20));
        assertThat(controller.topology().links()).containsExactlyInAnyOrder(
                new Link(a, b, Link.Type.TUNNEL), new Link(b, a, Link.Type.TUNNEL));
        assertThat(http.get("/topology").json().path("links").findValuesAsText("type")).containsExactly("tunnel", "tunnel");
        // Deleting a1's end removes its link; b2's now has an unknown remote port.
        assertThat(http.send("DELETE", "/networks/tunnels/a1/10", null, TOKEN).status()).isEqualTo(200);
        assertThat(controller.topology().links()).containsExactly(
                new Link(b, new ConnectPoint(DatapathId.of(0xa1), Link.UNKNOWN_PORT), Link.Type.TUNNEL));
        assertThat(controller.topology().isInfrastructure(DatapathId.of(0xa1), 10)).isFalse();
        assertThat(http.send("DELETE", "/networks/tunnels/b2/20", null, TOKEN).status()).isEqualTo(200);
        assertThat(http.get("/topology").json().path("links")).isEmpty();
    }

    @Test
    void duplicatesAreConflictsNamingTheField() {
        assertThat(post("/networks", "{\"name\": \"red\", \"vni\": 100}").status()).isEqualTo(201);
        assertThat(post("/networks", "{\"name\": \"blue\", \"vni\": 200}").status()).isEqualTo(201);
        assertError(post("/networks", "{\"name\": \"red\", \"vni\": 300}"), 409, "name", "network red exists");
        assertError(post("/networks", "{\"name\": \"green\", \"vni\": 100}"), 409, "vni", "VNI 100 is network red's");
        assertThat(post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:0a\"}").status()).isEqualTo(201);
        assertError(post("/networks/red/members", "{\"dpid\": \"a1\", \"port\": 2, \"mac\": \"02:00:00:00:00:0A\"}"), 409, "mac",
                "already a member");
        assertError(post("/networks/blue/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:0b\"}"), 409, "port",
                "belongs to network red");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        assertError(post("/networks", "{\"name\": \"red\", \"vni\": 0}"), 400, "vni", "at least 1");
        assertError(post("/networks", "{\"name\": \"red\", \"vni\": 16777216}"), 400, "vni", "at most 16777215");
        assertError(post("/networks", "{\"name\": \"red\"}"), 400, "vni", "required");
        assertError(post("/networks", "{\"name\": \"a b\", \"vni\": 1}"), 400, "name", "");
        assertError(post("/networks", "{\"name\": \"tunnels\", \"vni\": 1}"), 400, "name", "cannot be named");
        assertError(post("/networks", "{\"name\": \"red\", \"vni\": 1, \"colour\": 1}"), 400, "colour", "not a known field");
        assertThat(post("/networks", "{\"name\": \"red\", \"vni\": 100}").status()).isEqualTo(201);
        String members = "/networks/red/members";
        assertError(post(members, "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00\"}"), 400, "mac", "");
        assertError(post(members, "{\"dpid\": \"zz\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\"}"), 400, "dpid", "");
        assertError(post(members, "{\"dpid\": \"a1\", \"port\": 0, \"mac\": \"02:00:00:00:00:01\"}"), 400, "port", "at least 1");
        assertError(post(members, "{\"dpid\": \"a1\", \"mac\": \"02:00:00:00:00:01\"}"), 400, "port", "required");
        assertError(post(members, "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\", \"ipv4\": \"ten\"}"), 400, "ipv4", "");
        assertError(post("/networks/tunnels", "{\"dpid\": \"a1\", \"port\": 10}"), 400, "remote_dpid", "required");
        assertError(http.send("DELETE", "/networks/red/members/nope", null, TOKEN), 400, "mac", "");
        assertError(http.send("DELETE", "/networks/tunnels/a1/x", null, TOKEN), 400, "port", "");
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpFlowMod f && f.priority() != 0);
    }

    @Test
    void unknownNetworksAreNotFound() {
        assertError(http.get("/networks/none"), 404, "name", "no network none");
        assertError(http.send("DELETE", "/networks/none", null, TOKEN), 404, "name", "no network none");
        assertError(post("/networks/none/members", "{\"dpid\": \"a1\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\"}"), 404, "name",
                "no network none");
        assertError(http.send("DELETE", "/networks/none/members/02:00:00:00:00:01", null, TOKEN), 404, "name", "no network none");
    }

    @Test
    void changesNeedTheTokenAndReadsDoNot() {
        assertError(http.send("POST", "/networks", "{\"name\": \"red\", \"vni\": 100}", null), 401, null, "Bearer");
        assertError(http.send("POST", "/networks", "{\"name\": \"red\", \"vni\": 100}", "wrong"), 403, null, "not valid");
        assertError(http.send("DELETE", "/networks/red", null, null), 401, null, "Bearer");
        assertError(http.send("POST", "/networks/red/members", "{}", null), 401, null, "Bearer");
        assertError(http.send("DELETE", "/networks/red/members/02:00:00:00:00:01", null, null), 401, null, "Bearer");
        assertError(http.send("POST", "/networks/tunnels", "{}", null), 401, null, "Bearer");
        assertError(http.send("DELETE", "/networks/tunnels/a1/10", null, null), 401, null, "Bearer");
        assertThat(http.get("/networks").status()).isEqualTo(200);
        assertThat(http.get("/networks/tunnels").status()).isEqualTo(200);
        assertThat(controller.networks().networks()).isEmpty();
    }

    @Test
    void theOpenApiDocumentDescribesTheNetworkOperations() throws Exception {
        JsonNode doc = new YAMLMapper().readTree(http.get("/openapi.yaml").text());
        assertThat(doc.path("paths").has("/networks/{name}/members/{mac}")).isTrue();
        assertThat(doc.path("paths").has("/networks/tunnels/{dpid}/{port}")).isTrue();
    }
}
