package dev.iovirt.controller.acl;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.TableId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AclTest {
    private static final String TOKEN = "acl-token";
    private static final String DENY_SSH = """
            {"priority": 100, "ipv4_src": "10.0.0.0/24", "ip_proto": 6, "tp_dst": 22, "action": "deny"}""";

    private ControllerMain controller;
    private Http http;
    private final List<FakeSwitch> switches = new ArrayList<>();

    private void start(boolean acl) throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)).withAcl(acl));
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
    }

    /** Connects a fake switch and waits until the ACL's pass-through entry reached it. */
    private FakeSwitch connect(long dpid, FakeSwitch sw) throws Exception {
        switches.add(sw);
        sw.connect(controller.openflowAddress());
        sw.await(OfpFlowMod.class, f -> f.tableId().value() == 0 && f.priority() == 0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (controller.devices().device(DatapathId.of(dpid)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return sw;
    }

    @AfterEach
    void stop() {
        switches.forEach(FakeSwitch::close);
        controller.close();
    }

    private static List<OfpFlowMod> aclEntries(FakeSwitch sw) {
        return sw.flows().stream().filter(f -> f.priority() >= AclManager.BASE_PRIORITY).toList();
    }

    @Test
    void theAclSendsWhatNoRuleDecidesToTheLearningSwitchInTable1() throws Exception {
        start(true);
        FakeSwitch sw = connect(0xc1, new FakeSwitch(0xc1, port(1, "p1"), port(2, "p2")));
        OfpFlowMod miss = sw.await(OfpFlowMod.class, f -> f.tableId().value() == 1);
        assertThat(miss.priority()).isZero();
        assertThat(miss.match().isEmpty()).isTrue();
        OfpFlowMod pass = sw.flows().stream().filter(f -> f.tableId().value() == 0 && f.priority() == 0).findFirst().orElseThrow();
        assertThat(pass.instructions()).containsExactly(new Instruction.GotoTable(TableId.of(1)));
    }

    @Test
    void denyRuleIsADropEntryAboveTheLearningSwitchOnEverySwitchAndDeleteRemovesIt() throws Exception {
        start(true);
        FakeSwitch a = connect(0xc1, new FakeSwitch(0xc1, port(1, "p1")));
        FakeSwitch b = connect(0xc2, new FakeSwitch(0xc2, port(1, "p1")));
        Http.Response r = http.send("POST", "/acls", DENY_SSH, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().path("id").asLong()).isEqualTo(1);
        assertThat(r.json().path("eth_type").asText()).isEqualTo("0x0800");
        for (FakeSwitch sw : List.of(a, b)) {
            assertThat(aclEntries(sw)).singleElement().satisfies(f -> {
                assertThat(f.command()).isEqualTo(FlowModCommand.ADD);
                assertThat(f.tableId().value()).isZero();
                assertThat(f.priority()).isEqualTo(1100);
                assertThat(f.cookie()).isEqualTo(AclManager.COOKIE | 1);
                assertThat(f.match()).isEqualTo(FlowRules.toMatch(Map.of("dl_type", "0x0800", "nw_src", "10.0.0.0/24",
                        "nw_proto", "6", "tp_dst", "22")));
                assertThat(f.instructions()).isEmpty();
            });
        }
        assertThat(http.get("/acls").json()).hasSize(1);
        assertThat(http.get("/acls/1").json().path("tp_dst").asInt()).isEqualTo(22);

        Http.Response d = http.send("DELETE", "/acls/1", null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(aclEntries(a)).isEmpty();
        assertThat(aclEntries(b)).isEmpty();
        assertThat(a.received()).filteredOn(m -> m instanceof OfpFlowMod f && f.command() == FlowModCommand.DELETE_STRICT)
                .hasSize(1);
        assertThat(http.get("/acls").json()).isEmpty();
        assertThat(http.get("/acls/1").status()).isEqualTo(404);
    }

    @Test
    void allowRuleAboveADenyGoesOnToForwarding() throws Exception {
        start(true);
        FakeSwitch sw = connect(0xc1, new FakeSwitch(0xc1, port(1, "p1")));
        assertThat(http.send("POST", "/acls", """
                {"priority": 10, "ipv4_src": "10.0.0.0/8", "action": "deny"}""", TOKEN).status()).isEqualTo(201);
        Http.Response r = http.send("POST", "/acls", """
                {"priority": 20, "ipv4_src": "10.1.0.0/16", "ipv4_dst": "192.168.0.1", "action": "allow"}""", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        OfpFlowMod allow = aclEntries(sw).stream().filter(f -> f.priority() == 1020).findFirst().orElseThrow();
        assertThat(allow.instructions()).containsExactly(new Instruction.GotoTable(TableId.of(1)));
        assertThat(aclEntries(sw).stream().filter(f -> f.priority() == 1010).findFirst().orElseThrow().instructions()).isEmpty();
    }

    @Test
    void aSwitchConnectingLaterGetsTheRules() throws Exception {
        start(true);
        connect(0xc1, new FakeSwitch(0xc1, port(1, "p1")));
        assertThat(http.send("POST", "/acls", DENY_SSH, TOKEN).status()).isEqualTo(201);
        FakeSwitch late = new FakeSwitch(0xc3, port(1, "p1"));
        switches.add(late);
        late.connect(controller.openflowAddress());
        OfpFlowMod f = late.await(OfpFlowMod.class, m -> m.priority() == 1100);
        assertThat(f.instructions()).isEmpty();
        assertThat(f.cookie()).isEqualTo(AclManager.COOKIE | 1);
    }

    @Test
    void aRuleOneSwitchRefusesIsAConflictAndIsTakenBackFromTheOthers() throws Exception {
        start(true);
        FakeSwitch good = connect(0xc1, new FakeSwitch(0xc1, port(1, "p1")));
        connect(0xc2, new FakeSwitch(0xc2, port(1, "p1")).refuseFlowsOfPriority(1100));
        Http.Response r = http.send("POST", "/acls", DENY_SSH, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("FLOW_MOD_FAILED_TABLE_FULL");
        assertThat(aclEntries(good)).isEmpty();
        assertThat(good.received()).filteredOn(m -> m instanceof OfpFlowMod f && f.priority() == 1100).hasSize(2);
        assertThat(http.get("/acls").json()).isEmpty();
    }

    @Test
    void badRulesAreRefusedNamingTheFieldWithNothingSent() throws Exception {
        start(true);
        FakeSwitch sw = connect(0xc1, new FakeSwitch(0xc1, port(1, "p1")));
        assertError(http.send("POST", "/acls", DENY_SSH, null), 401, null);
        assertError(http.send("POST", "/acls", "{\"priority\": 64001, \"action\": \"deny\"}", TOKEN), 400, "priority");
        assertError(http.send("POST", "/acls", "{\"priority\": 1, \"action\": \"maybe\"}", TOKEN), 400, "action");
        Http.Response noProto = http.send("POST", "/acls", "{\"priority\": 1, \"tp_dst\": 22, \"action\": \"deny\"}", TOKEN);
        assertError(noProto, 400, "tp_dst");
        assertThat(noProto.json().path("error").asText()).isEqualTo("tp_dst needs ip_proto (6 for TCP, 17 for UDP, 132 for SCTP)");
        assertError(http.send("POST", "/acls", "{\"priority\": 1, \"ipv4_src\": \"10.0.0.300\", \"action\": \"deny\"}", TOKEN),
                400, "ipv4_src");
        assertError(http.send("POST", "/acls", "{\"priority\": 1, \"eth_type\": \"ip\", \"action\": \"deny\"}", TOKEN), 400, "eth_type");
        assertError(http.send("POST", "/acls", "{\"priority\": 1, \"eth_type\": \"0x0806\", \"ipv4_dst\": \"10.0.0.1\", \"action\": \"deny\"}", TOKEN),
                400, "eth_type");
        assertThat(aclEntries(sw)).isEmpty();
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpFlowMod f && f.priority() >= AclManager.BASE_PRIORITY);
        assertError(http.get("/acls/9"), 404, "id");
        assertError(http.send("DELETE", "/acls/9", null, TOKEN), 404, "id");
        assertThat(http.get("/acls").json()).isEmpty();
    }

    @Test
    void withoutTheAclAppRulesAreRefusedAndTheLearningSwitchStaysInTable0() throws Exception {
        start(false);
        FakeSwitch sw = new FakeSwitch(0xc1, port(1, "p1"));
        switches.add(sw);
        sw.connect(controller.openflowAddress());
        OfpFlowMod miss = sw.await(OfpFlowMod.class);
        assertThat(miss.tableId().value()).isZero();
        assertThat(miss.priority()).isZero();
        assertError(http.send("POST", "/acls", DENY_SSH, TOKEN), 409, null);
    }

    private static void assertError(Http.Response r, int status, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        if (field == null) {
            assertThat(r.json().get("field").isNull()).as(r.text()).isTrue();
        } else {
            assertThat(r.json().path("field").asText()).as(r.text()).isEqualTo(field);
        }
    }
}
