package dev.iovirt.controller.rest;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestApiTest {
    private static final String TOKEN = "test-token-123";
    private static final String DPID = "00000000000000a1";
    private static ControllerMain controller;
    private static Http http;
    private final BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
    private final dev.iovirt.controller.device.DeviceListener listener = events::add;
    private FakeSwitch sw;

    @BeforeAll
    static void startController() throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLearningSwitch(false).withLldp(false, Duration.ofMinutes(10)));
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
    }

    @AfterAll
    static void stopController() {
        controller.close();
    }

    @BeforeEach
    void connectSwitch() throws Exception {
        controller.devices().addListener(listener);
        sw = new FakeSwitch(0xa1, port(1, "p1"), port(2, "p2")).refuseFlowsOfPriority(99).connect(controller.openflowAddress());
        awaitEvent(DeviceEvent.Type.DEVICE_ADDED);
    }

    @AfterEach
    void disconnectSwitch() throws Exception {
        sw.close();
        awaitEvent(DeviceEvent.Type.DEVICE_REMOVED);
        controller.devices().removeListener(listener);
    }

    private void awaitEvent(DeviceEvent.Type type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            DeviceEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.type() == type && e.device().id().value() == 0xa1) {
                return;
            }
        }
        throw new AssertionError("no " + type + " within 10 s");
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

    private static final String FLOW = """
            {"table": 0, "priority": 100, "idle_timeout": 30,
             "match": {"in_port": 1, "dl_type": "0x0800", "nw_src": "10.0.0.0/24", "nw_proto": 6, "tp_dst": 80},
             "actions": [{"type": "set_field", "field": "nw_dst", "value": "10.0.0.9"}, {"type": "output", "port": 2}]}
            """;

    // ---------------------------------------------------------------- switches and ports

    @Test
    void listSwitchesShowsTheConnectedSwitch() {
        Http.Response r = http.get("/switches");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).hasSize(1);
        JsonNode s = r.json().get(0);
        assertThat(s.path("dpid").asText()).isEqualTo(DPID);
        assertThat(s.path("n_ports").asInt()).isEqualTo(2);
        assertThat(s.path("n_tables").asInt()).isEqualTo(254);
        assertThat(s.path("capabilities").toString()).contains("flow_stats", "port_stats");
    }

    @Test
    void getSwitchReturnsItWithItsPortsAndAcceptsShortOrColonDpid() {
        Http.Response r = http.get("/switches/a1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("ports").findValuesAsText("name")).containsExactly("p1", "p2");
        assertThat(http.get("/switches/00:00:00:00:00:00:00:a1").status()).isEqualTo(200);
    }

    @Test
    void unknownSwitchIsNotFoundNamingDpid() {
        assertError(http.get("/switches/42"), 404, "dpid", "0000000000000042");
        assertError(http.get("/switches/42/ports"), 404, "dpid", "no switch");
        assertError(http.get("/switches/42/flows"), 404, "dpid", "no switch");
    }

    @Test
    void malformedDpidBreaksTheSchemaAndNamesDpid() {
        assertError(http.get("/switches/not-a-dpid"), 400, "dpid", "does not match");
    }

    @Test
    void listPortsReturnsEveryPortWithState() {
        Http.Response r = http.get("/switches/" + DPID + "/ports");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get(0).path("port_no").asInt()).isEqualTo(1);
        assertThat(r.json().get(0).path("up").asBoolean()).isTrue();
        assertThat(r.json().get(1).path("hw_addr").asText()).isEqualTo("02:00:00:00:00:02");
    }

    // ---------------------------------------------------------------- auth

    @Test
    void postWithoutTokenIsUnauthorizedAndSendsNothing() {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/flows", FLOW, null);
        assertError(r, 401, null, "Bearer");
        assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpFlowMod);
    }

    @Test
    void postWithWrongTokenIsForbidden() {
        assertError(http.send("POST", "/switches/" + DPID + "/flows", FLOW, "wrong"), 403, null, "not valid");
        assertError(http.send("DELETE", "/switches/" + DPID + "/flows", null, "wrong"), 403, null, "not valid");
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpFlowMod);
    }

    @Test
    void readsNeedNoToken() {
        assertThat(http.get("/hosts").status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- flows

    @Test
    void postedFlowReachesTheSwitchAsTheRightFlowModFollowedByABarrier() throws Exception {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/flows", FLOW, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        OfpFlowMod fm = sw.await(OfpFlowMod.class);
        OfpFlowMod expected = OfpFlowMod.builder(FlowModCommand.ADD).xid(fm.xid()).table(0).priority(100).idleTimeout(30)
                .match(Match.builder().inPort(1).ethType(0x0800).ipv4Src(Ipv4Address.of("10.0.0.0"), 24).ipProto(6).tcpDst(80).build())
                .instruction(new Instruction.ApplyActions(java.util.List.of(
                        new Action.SetField(dev.iovirt.openflow.Oxm.exact(dev.iovirt.openflow.OxmField.IPV4_DST,
                                Ipv4Address.of("10.0.0.9").bits() & 0xFFFF_FFFFL)),
                        Action.Output.to(2))))
                .build();
        assertThat(fm).isEqualTo(expected);
        sw.await(OfpBarrierRequest.class);
        assertThat(r.json().path("flow").asText()).contains("priority=100", "nw_src=10.0.0.0/24", "tcp_dst=80");
    }

    @Test
    void listFlowsShowsTheSwitchsEntriesInTheApiFormat() {
        assertThat(http.send("POST", "/switches/" + DPID + "/flows", FLOW, TOKEN).status()).isEqualTo(201);
        Http.Response r = http.get("/switches/" + DPID + "/flows");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).hasSize(1);
        JsonNode f = r.json().get(0);
        assertThat(f.path("priority").asInt()).isEqualTo(100);
        assertThat(f.path("match").path("nw_src").asText()).isEqualTo("10.0.0.0/24");
        assertThat(f.path("match").path("tcp_dst").asText()).isEqualTo("80");
        assertThat(f.path("actions").get(1).path("port").asText()).isEqualTo("2");
        assertThat(f.path("packet_count").asLong()).isEqualTo(3);
    }

    @Test
    void deleteStrictRemovesExactlyThatFlow() {
        http.send("POST", "/switches/" + DPID + "/flows", FLOW, TOKEN);
        http.send("POST", "/switches/" + DPID + "/flows", "{\"priority\": 5, \"actions\": [{\"type\": \"drop\"}]}", TOKEN);
        assertThat(sw.flows()).hasSize(2);
        Http.Response r = http.send("DELETE", "/switches/" + DPID + "/flows", """
                {"table": 0, "priority": 100, "strict": true,
                 "match": {"in_port": 1, "dl_type": "0x0800", "nw_src": "10.0.0.0/24", "nw_proto": 6, "tp_dst": 80}}
                """, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("strict").asBoolean()).isTrue();
        assertThat(sw.flows()).extracting(OfpFlowMod::priority).containsExactly(5);
    }

    @Test
    void deleteWithoutBodyRemovesEveryFlow() {
        http.send("POST", "/switches/" + DPID + "/flows", FLOW, TOKEN);
        Http.Response r = http.send("DELETE", "/switches/" + DPID + "/flows", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(sw.flows()).isEmpty();
        assertThat(http.get("/switches/" + DPID + "/flows").json()).isEmpty();
    }

    @Test
    void strictDeleteWithoutPriorityIsRefusedNamingPriority() {
        assertError(http.send("DELETE", "/switches/" + DPID + "/flows", "{\"table\": 0, \"strict\": true}", TOKEN),
                400, "priority", "strict");
    }

    @Test
    void flowOnUnknownSwitchIsNotFound() {
        assertError(http.send("POST", "/switches/42/flows", FLOW, TOKEN), 404, "dpid", "no switch");
    }

    @Test
    void flowRefusedBySwitchIsConflictWithTheOpenFlowError() {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/flows",
                "{\"priority\": 99, \"actions\": [{\"type\": \"output\", \"port\": 1}]}", TOKEN);
        assertError(r, 409, null, "FLOW_MOD_FAILED_TABLE_FULL");
        assertThat(sw.flows()).isEmpty();
    }

    @Test
    void schemaViolationsAreRefusedNamingTheField() {
        String path = "/switches/" + DPID + "/flows";
        assertError(http.send("POST", path, "{\"priority\": 70000, \"actions\": []}", TOKEN), 400, "priority", "at most 65535");
        assertError(http.send("POST", path, "{\"actions\": []}", TOKEN), 400, "priority", "required");
        assertError(http.send("POST", path, "{\"priority\": \"high\", \"actions\": []}", TOKEN), 400, "priority", "an integer");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"jump\"}]}", TOKEN), 400,
                "actions[0].type", "one of");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [], \"colour\": 1}", TOKEN), 400, "colour", "not a known field");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [], \"table\": 255}", TOKEN), 400, "table", "at most 254");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [], \"match\": {\"in_port\": true}}", TOKEN), 400,
                "match.in_port", "a string or an integer");
        assertError(http.send("POST", path, "[1,2]", TOKEN), 400, null, "must be an object");
        assertError(http.send("POST", path, "{\"priority\": ", TOKEN), 400, null, "not valid JSON");
        assertError(http.send("POST", path, "", TOKEN), 400, null, "required");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": []}", TOKEN, "text/plain"), 415, null, "application/json");
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpFlowMod);
    }

    @Test
    void flowsThatCannotBeValidOpenFlowAreRefusedNamingTheField() {
        String path = "/switches/" + DPID + "/flows";
        assertError(http.send("POST", path, "{\"priority\": 1, \"match\": {\"nw_src\": \"10.0.0.300\"}, \"actions\": []}", TOKEN),
                400, "match.nw_src", "10.0.0.300");
        assertError(http.send("POST", path, "{\"priority\": 1, \"match\": {\"nw_src\": \"10.0.0.1\"}, \"actions\": []}", TOKEN),
                400, "match", "eth_type=0x0800");
        assertError(http.send("POST", path, "{\"priority\": 1, \"match\": {\"colour\": \"red\"}, \"actions\": []}", TOKEN),
                400, "match.colour", "unknown match field");
        assertError(http.send("POST", path, "{\"priority\": 1, \"match\": {\"tp_dst\": 80}, \"actions\": []}", TOKEN),
                400, "match.tp_dst", "nw_proto");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"output\"}]}", TOKEN),
                400, "actions[0].port", "needs a port");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"output\", \"port\": \"sideways\"}]}", TOKEN),
                400, "actions[0].port", "sideways");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"goto_table\", \"table\": 2}, {\"type\": \"output\", \"port\": 1}]}", TOKEN),
                400, "actions[1]", "last");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"set_field\", \"field\": \"nw_dst\"}]}", TOKEN),
                400, "actions[0].value", "set_field");
        assertThat(sw.received()).noneMatch(m -> m instanceof OfpFlowMod);
    }

    @Test
    void groupAndGotoTableActionsBecomeTheirInstructions() throws Exception {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/flows", """
                {"priority": 7, "match": {"dl_dst": "02:00:00:00:00:09"},
                 "actions": [{"type": "group", "group": 3}, {"type": "goto_table", "table": 1}]}""", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        OfpFlowMod fm = sw.await(OfpFlowMod.class);
        assertThat(fm.instructions()).containsExactly(
                new Instruction.ApplyActions(java.util.List.of(new Action.Group(dev.iovirt.openflow.GroupId.of(3)))),
                new Instruction.GotoTable(TableId.of(1)));
    }

    // ---------------------------------------------------------------- groups

    private static final String GROUP = """
            {"group_id": 5, "type": "select",
             "buckets": [{"weight": 2, "actions": [{"type": "output", "port": 1}]},
                         {"actions": [{"type": "set_field", "field": "dl_dst", "value": "02:00:00:00:00:99"}, {"type": "output", "port": 2}]}]}
            """;

    @Test
    void postedGroupReachesTheSwitchAsTheRightGroupModAndIsListed() throws Exception {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/groups", GROUP, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        dev.iovirt.openflow.OfpGroupMod gm = sw.await(dev.iovirt.openflow.OfpGroupMod.class);
        assertThat(gm.command()).isEqualTo(dev.iovirt.openflow.GroupModCommand.ADD);
        assertThat(gm.groupType()).isEqualTo(dev.iovirt.openflow.GroupType.SELECT);
        assertThat(gm.groupId().value()).isEqualTo(5);
        assertThat(gm.buckets()).extracting(dev.iovirt.openflow.Bucket::weight).containsExactly(2, 1);
        assertThat(gm.buckets().get(1).actions()).containsExactly(
                new Action.SetField(dev.iovirt.openflow.Oxm.exact(dev.iovirt.openflow.OxmField.ETH_DST,
                        MacAddress.of("02:00:00:00:00:99").bits())), Action.Output.to(2));
        JsonNode listed = http.get("/switches/" + DPID + "/groups").json();
        assertThat(listed.get(0).path("type").asText()).isEqualTo("select");
        assertThat(listed.get(0).path("buckets").get(1).path("actions").get(0).path("value").asText()).isEqualTo("02:00:00:00:00:99");
    }

    @Test
    void deleteGroupRemovesIt() {
        http.send("POST", "/switches/" + DPID + "/groups", GROUP, TOKEN);
        assertThat(sw.groups()).hasSize(1);
        Http.Response r = http.send("DELETE", "/switches/" + DPID + "/groups/5", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(sw.groups()).isEmpty();
        assertError(http.send("DELETE", "/switches/" + DPID + "/groups/5", null, null), 401, null, "Bearer");
        assertError(http.send("DELETE", "/switches/" + DPID + "/groups/x", null, TOKEN), 400, "groupId", "integer");
    }

    @Test
    void badGroupsAreRefusedNamingTheFieldAndExistingOnesAreConflicts() {
        String path = "/switches/" + DPID + "/groups";
        assertError(http.send("POST", path, "{\"group_id\": 1, \"type\": \"mesh\", \"buckets\": []}", TOKEN), 400, "type", "one of");
        assertError(http.send("POST", path, "{\"group_id\": 1, \"type\": \"indirect\", \"buckets\": []}", TOKEN), 400, "buckets", "exactly one");
        assertError(http.send("POST", path, "{\"group_id\": 1, \"type\": \"ff\", \"buckets\": [{\"actions\": []}]}", TOKEN),
                400, "buckets[0].watch_port", "watch_port");
        assertError(http.send("POST", path, "{\"group_id\": 1, \"type\": \"all\", \"buckets\": [{\"actions\": [{\"type\": \"goto_table\", \"table\": 1}]}]}", TOKEN),
                400, "buckets[0].actions[0].type", "instruction");
        assertThat(sw.groups()).isEmpty();
        assertThat(http.send("POST", path, GROUP, TOKEN).status()).isEqualTo(201);
        assertError(http.send("POST", path, GROUP, TOKEN), 409, null, "GROUP_MOD_FAILED_GROUP_EXISTS");
    }

    // ---------------------------------------------------------------- meters

    private static final String METER = """
            {"meter_id": 7, "flags": ["kbps", "burst", "stats"],
             "bands": [{"type": "drop", "rate": 10000, "burst_size": 1000},
                       {"type": "dscp_remark", "rate": 5000, "prec_level": 1}]}
            """;

    @Test
    void postedMeterReachesTheSwitchAsTheRightMeterModAndIsListedWithItsCounters() throws Exception {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/meters", METER, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().path("meter_id").asLong()).isEqualTo(7);
        dev.iovirt.openflow.OfpMeterMod mm = sw.await(dev.iovirt.openflow.OfpMeterMod.class);
        assertThat(mm.command()).isEqualTo(dev.iovirt.openflow.MeterModCommand.ADD);
        assertThat(mm.meterId()).isEqualTo(dev.iovirt.openflow.MeterId.of(7));
        assertThat(mm.flags()).isEqualTo(dev.iovirt.openflow.OfpMeterMod.FLAG_KBPS | dev.iovirt.openflow.OfpMeterMod.FLAG_BURST
                | dev.iovirt.openflow.OfpMeterMod.FLAG_STATS);
        assertThat(mm.bands()).containsExactly(new dev.iovirt.openflow.MeterBand.Drop(10000, 1000),
                new dev.iovirt.openflow.MeterBand.DscpRemark(5000, 0, 1));
        sw.await(OfpBarrierRequest.class);

        JsonNode listed = http.get("/switches/" + DPID + "/meters").json();
        assertThat(listed).hasSize(1);
        JsonNode m = listed.get(0);
        assertThat(m.path("meter_id").asLong()).isEqualTo(7);
        assertThat(m.path("flags").toString()).isEqualTo("[\"kbps\",\"burst\",\"stats\"]");
        assertThat(m.path("packet_in_count").asLong()).isEqualTo(10);
        assertThat(m.path("bands").get(0).path("burst_size").asLong()).isEqualTo(1000);
        assertThat(m.path("bands").get(0).path("packet_count").asLong()).isEqualTo(4);
        assertThat(m.path("bands").get(1).path("prec_level").asInt()).isEqualTo(1);
        Http.Response one = http.get("/switches/" + DPID + "/meters/7");
        assertThat(one.status()).as(one.text()).isEqualTo(200);
        assertThat(one.json().path("bands").get(1).path("type").asText()).isEqualTo("dscp_remark");
    }

    @Test
    void deleteMeterRemovesItAndAnUnknownMeterIsNotFound() {
        String path = "/switches/" + DPID + "/meters";
        assertThat(http.send("POST", path, METER, TOKEN).status()).isEqualTo(201);
        assertError(http.send("DELETE", path + "/7", null, null), 401, null, "Bearer");
        assertThat(sw.meters()).hasSize(1);
        Http.Response r = http.send("DELETE", path + "/7", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("deleted").asLong()).isEqualTo(7);
        assertThat(sw.meters()).isEmpty();
        assertError(http.get(path + "/7"), 404, "meterId", "no meter 7");
        assertError(http.send("DELETE", path + "/7", null, TOKEN), 404, "meterId", "no meter 7");
        assertThat(sw.received()).filteredOn(m -> m instanceof dev.iovirt.openflow.OfpMeterMod).hasSize(2);
        assertError(http.get(path + "/x"), 400, "meterId", "integer");
        assertError(http.get("/switches/42/meters"), 404, "dpid", "no switch");
        assertError(http.send("POST", "/switches/42/meters", METER, TOKEN), 404, "dpid", "no switch");
    }

    @Test
    void badMetersAreRefusedNamingTheFieldAndExistingOnesAreConflicts() {
        String path = "/switches/" + DPID + "/meters";
        assertError(http.send("POST", path, METER, null), 401, null, "Bearer");
        assertError(http.send("POST", path, "{\"meter_id\": 0, \"flags\": [\"kbps\"], \"bands\": [{\"type\": \"drop\", \"rate\": 1}]}", TOKEN),
                400, "meter_id", "at least 1");
        assertError(http.send("POST", path, "{\"meter_id\": 1, \"flags\": [\"fast\"], \"bands\": [{\"type\": \"drop\", \"rate\": 1}]}", TOKEN),
                400, "flags[0]", "one of");
        assertError(http.send("POST", path, "{\"meter_id\": 1, \"flags\": [\"kbps\", \"pktps\"], \"bands\": [{\"type\": \"drop\", \"rate\": 1}]}", TOKEN),
                400, "flags", "exactly one");
        assertError(http.send("POST", path, "{\"meter_id\": 1, \"flags\": [\"kbps\"], \"bands\": []}", TOKEN),
                400, "bands", "at least 1");
        assertError(http.send("POST", path, "{\"meter_id\": 1, \"flags\": [\"kbps\"], \"bands\": [{\"type\": \"drop\", \"rate\": 1, \"burst_size\": 5}]}", TOKEN),
                400, "bands[0].burst_size", "burst");
        assertError(http.send("POST", path, "{\"meter_id\": 1, \"flags\": [\"kbps\"], \"bands\": [{\"type\": \"dscp_remark\", \"rate\": 1}]}", TOKEN),
                400, "bands[0].prec_level", "prec_level");
        assertThat(sw.received()).noneMatch(m -> m instanceof dev.iovirt.openflow.OfpMeterMod);
        assertThat(http.send("POST", path, METER, TOKEN).status()).isEqualTo(201);
        assertError(http.send("POST", path, METER, TOKEN), 409, null, "METER_MOD_FAILED_METER_EXISTS");
        assertThat(sw.meters()).hasSize(1);
    }

    @Test
    void meterActionBecomesTheMeterInstructionAheadOfTheActions() throws Exception {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/flows", """
                {"priority": 8, "match": {"in_port": 1},
                 "actions": [{"type": "output", "port": 2}, {"type": "meter", "meter": 7}]}""", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        OfpFlowMod fm = sw.await(OfpFlowMod.class, f -> f.priority() == 8);
        assertThat(fm.instructions()).containsExactly(
                new Instruction.Meter(dev.iovirt.openflow.MeterId.of(7)),
                new Instruction.ApplyActions(java.util.List.of(Action.Output.to(2))));
        JsonNode listed = http.get("/switches/" + DPID + "/flows").json();
        assertThat(listed.get(0).path("actions").toString()).contains("{\"type\":\"meter\",\"meter\":7}");
        String path = "/switches/" + DPID + "/flows";
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"meter\"}]}", TOKEN),
                400, "actions[0].meter", "meter id");
        assertError(http.send("POST", path, "{\"priority\": 1, \"actions\": [{\"type\": \"meter\", \"meter\": 1}, {\"type\": \"meter\", \"meter\": 2}]}", TOKEN),
                400, "actions[1]", "at most one meter");
        assertError(http.send("POST", "/switches/" + DPID + "/groups", "{\"group_id\": 1, \"type\": \"all\", \"buckets\": [{\"actions\": [{\"type\": \"meter\", \"meter\": 1}]}]}", TOKEN),
                400, "buckets[0].actions[0].type", "instruction");
    }

    // ---------------------------------------------------------------- role, hosts, topology, statistics

    @Test
    void roleRequestReturnsTheRoleTheSwitchConfirmed() {
        Http.Response r = http.send("POST", "/switches/" + DPID + "/role", "{\"role\": \"master\", \"generation_id\": 1}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("role").asText()).isEqualTo("master");
        assertError(http.send("POST", "/switches/" + DPID + "/role", "{\"role\": \"boss\"}", TOKEN), 400, "role", "one of");
    }

    @Test
    void hostsAreLearnedFromArpPacketIns() throws Exception {
        byte[] arp = PacketBuilder.ethernet(MacAddress.of("02:aa:00:00:00:01"), MacAddress.BROADCAST)
                .arp(1, MacAddress.of("02:aa:00:00:00:01"), Ipv4Address.of("10.0.0.1"), MacAddress.ZERO, Ipv4Address.of("10.0.0.2"))
                .build();
        sw.send(new OfpPacketIn(0, BufferId.NO_BUFFER, arp.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(2).build(), arp));
        JsonNode host = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (host == null && System.nanoTime() < deadline) {
            for (JsonNode h : http.get("/hosts").json()) {
                if (h.path("mac").asText().equals("02:aa:00:00:00:01")) {
                    host = h;
                }
            }
        }
        assertThat(host).as("host learned within 10 s").isNotNull();
        assertThat(host.path("ips").toString()).contains("10.0.0.1");
        assertThat(host.path("dpid").asText()).isEqualTo(DPID);
        assertThat(host.path("port").asInt()).isEqualTo(2);
    }

    @Test
    void topologyListsSwitchesAsNodes() {
        Http.Response r = http.get("/topology");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("nodes").findValuesAsText("dpid")).containsExactly(DPID);
        assertThat(r.json().path("links")).isEmpty();
    }

    @Test
    void pathToItselfIsEmptyAndBadQueriesAreRefused() {
        Http.Response r = http.get("/topology/path?src=a1&dst=a1");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("hops").asInt()).isZero();
        assertError(http.get("/topology/path?src=a1"), 400, "dst", "required");
        assertError(http.get("/topology/path?src=a1&dst=b2"), 404, "dst", "no switch");
        assertError(http.get("/topology/path?src=zz&dst=a1"), 400, "src", "does not match");
    }

    @Test
    void equalCostPathsToItselfAreOneEmptyPathAndBadQueriesAreRefused() {
        Http.Response r = http.get("/topology/paths?src=a1&dst=a1");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("hops").asInt()).isZero();
        assertThat(r.json().path("paths")).hasSize(1);
        assertThat(r.json().path("paths").get(0)).isEmpty();
        assertError(http.get("/topology/paths?dst=a1"), 400, "src", "required");
        assertError(http.get("/topology/paths?src=a1&dst=zz"), 400, "dst", "does not match");
        assertError(http.get("/topology/paths?src=b2&dst=a1"), 404, "src", "no switch");
    }

    @Test
    void portStatisticsAreAskedOfTheSwitch() {
        Http.Response r = http.get("/statistics/ports");
        assertThat(r.status()).isEqualTo(200);
        JsonNode one = r.json().get(0);
        assertThat(one.path("dpid").asText()).isEqualTo(DPID);
        assertThat(one.path("ports").get(1).path("rx_packets").asLong()).isEqualTo(20);
        assertThat(http.get("/statistics/ports?dpid=" + DPID).json()).hasSize(1);
        assertError(http.get("/statistics/ports?dpid=42"), 404, "dpid", "no switch");
    }

    // ---------------------------------------------------------------- document, errors, events

    @Test
    void openApiDocumentIsServedAndDescribesEveryOperation() throws Exception {
        Http.Response r = http.get("/openapi.yaml");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = new YAMLMapper().readTree(r.text());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.path("paths").has("/switches/{dpid}/flows")).isTrue();
    }

    @Test
    void unknownResourceAndMethodAreJsonErrors() {
        assertError(http.get("/nothing-here"), 404, null, "no such resource");
        assertError(http.send("PUT", "/switches", "{}", TOKEN), 405, null, "not allowed");
    }

    @Test
    void eventStreamDeliversSwitchConnectedAndFlowAddedEvents() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.apiAddress().getPort()
                + RestApi.BASE + "/events")).build();
        HttpResponse<InputStream> resp = http.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException closed) {
                // the test closed the stream
            }
        });
        try (FakeSwitch second = new FakeSwitch(0xb2, port(1, "q1")).connect(controller.openflowAddress())) {
            assertThat(awaitLine(lines, "\"DEVICE_ADDED\"")).contains("\"dpid\":\"00000000000000b2\"");
            http.send("POST", "/switches/b2/flows", "{\"priority\": 3, \"actions\": [{\"type\": \"drop\"}]}", TOKEN);
            assertThat(awaitLine(lines, "\"RULE_ADDED\"")).contains("priority=3");
        } finally {
            resp.body().close();
            reader.interrupt();
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String previous = "";
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(containing)) {
                assertThat(line).startsWith("data: ");
                return line;
            }
            if (line != null) {
                previous = line;
            }
        }
        throw new AssertionError("no event line with " + containing + " within 10 s; last line: " + previous);
    }

    @Test
    void flowModHasNoBufferAndDefaults() throws Exception {
        http.send("POST", "/switches/" + DPID + "/flows", "{\"priority\": 1, \"actions\": [{\"type\": \"output\", \"port\": \"CONTROLLER\"}]}", TOKEN);
        OfpFlowMod fm = sw.await(OfpFlowMod.class);
        assertThat(fm.bufferId()).isEqualTo(BufferId.NO_BUFFER);
        assertThat(fm.applyActions()).containsExactly(Action.Output.to(PortNo.CONTROLLER));
    }

    @Test
    void anAddedRouteIsServedBesideTheControllersOwnWithTheTokenCheckOnChangesAndTheSameErrors() {
        RestApi api = controller.restApi();
        api.addRoute("GET", "/extras", r -> java.util.concurrent.CompletableFuture.completedFuture(
                ApiResponse.ok(JsonCodecs.MAPPER.createObjectNode().put("n", 1))));
        api.addRoute("POST", "/extras", r -> {
            if (r.body() == null || !r.body().has("x")) {
                throw new ApiException(400, "x is required", "x");
            }
            return java.util.concurrent.CompletableFuture.completedFuture(new ApiResponse(201, r.body()));
        });

        Http.Response list = http.get("/extras");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().toString()).isEqualTo("{\"n\":1}");
        assertError(http.send("POST", "/extras", "{\"x\":1}", null), 401, null, "needs 'Authorization: Bearer <token>'");
        assertError(http.send("POST", "/extras", "{\"x\":1}", "wrong"), 403, null, "not valid");
        assertError(http.send("POST", "/extras", "{\"y\":1}", TOKEN), 400, "x", "x is required");
        assertError(http.send("POST", "/extras", "{x", TOKEN), 400, null, "not valid JSON");
        assertError(http.send("POST", "/extras", "x=1", TOKEN, "text/plain"), 415, null, "must be application/json");
        Http.Response added = http.send("POST", "/extras", "{\"x\":1}", TOKEN);
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.json().toString()).isEqualTo("{\"x\":1}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.addRoute("GET", "/switches/:dpid/extras",
                r -> java.util.concurrent.CompletableFuture.completedFuture(ApiResponse.ok(JsonCodecs.MAPPER.createObjectNode()))))
                .isInstanceOf(IllegalStateException.class).hasMessage("/api/v1/switches/:dpid/extras is under the controller's own /switches");
    }
}
