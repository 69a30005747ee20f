package dev.iovirt.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.controller.openflow.ControllerConfig;
import dev.iovirt.controller.testing.Certificates;
import dev.iovirt.controller.testing.Http;
import dev.iovirt.controller.testing.OpenVSwitch;
import dev.iovirt.controller.topology.LinkEvent;
import dev.iovirt.openflow.DatapathId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Our controller manages a real Open vSwitch 3.1 (netdev datapath, dummy ports): two bridges joined
 * by a patch link connect to it over TCP, show up in the REST API with their ports and as an LLDP
 * link, and a flow added and deleted through REST appears in and disappears from
 * {@code ovs-ofctl dump-flows}; so do the ACL's entries and the overlay app's (a network's flows on a
 * bridge with a VXLAN port).
 */
@Tag("interop")
class OpenVSwitchInteropTest {
    private static final String TOKEN = "interop-token";
    private static OpenVSwitch ovs;
    private static ControllerMain controller;
    private static Http http;
    private static final BlockingQueue<DeviceEvent> devices = new LinkedBlockingQueue<>();
    private static final BlockingQueue<LinkEvent> links = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        ovs = OpenVSwitch.start();
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), TOKEN,
                ControllerMain.Options.defaults().withLldp(true, Duration.ofSeconds(1)));
        controller.devices().addListener(devices::add);
        controller.topology().addListener(links::add);
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
        String target = "tcp:127.0.0.1:" + controller.openflowAddress().getPort();
        // Bridge names of our own, so that their LOCAL taps do not collide with other tests' br0.
        for (int i = 0; i < 2; i++) {
            String br = "ctlbr" + i;
            ovs.vsctl("add-br", br, "--", "set", "bridge", br, "datapath_type=netdev", "protocols=OpenFlow13",
                    "fail-mode=secure", "other-config:datapath-id=000000000000000" + (i + 1));
            ovs.vsctl("add-port", br, "ctl" + i + "p1", "--", "set", "interface", "ctl" + i + "p1", "type=dummy", "ofport_request=1");
            ovs.vsctl("add-port", br, "ctl" + i + "p2", "--", "set", "interface", "ctl" + i + "p2", "type=dummy", "ofport_request=2");
            ovs.vsctl("add-port", br, "ctl" + i + "patch", "--", "set", "interface", "ctl" + i + "patch", "type=patch",
                    "options:peer=ctl" + (1 - i) + "patch", "ofport_request=10");
        }
        ovs.vsctl("set-controller", "ctlbr0", target);
        ovs.vsctl("set-controller", "ctlbr1", target);
        Set<DatapathId> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            DeviceEvent e = devices.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.type() == DeviceEvent.Type.DEVICE_ADDED) {
                seen.add(e.device().id());
            }
        }
        assertThat(seen).as("both bridges connected within 20 s").hasSize(2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (ovs != null) {
            ovs.close();
        }
    }

    @Test
    void openVSwitchAppearsInTheApiWithItsPorts() {
        Http.Response r = http.get("/switches");
        assertThat(r.json().findValuesAsText("dpid")).containsExactly("0000000000000001", "0000000000000002");
        JsonNode ports = http.get("/switches/1/ports").json();
        assertThat(ports.findValuesAsText("name")).contains("ctl0p1", "ctl0p2", "ctl0patch", "ctlbr0");
        assertThat(ports.findValuesAsText("port_no")).contains("1", "2", "10", "LOCAL");
    }

    @Test
    void flowPostedThroughRestAppearsInDumpFlowsAndDeleteRemovesIt() {
        Http.Response r = http.send("POST", "/switches/1/flows", """
                {"table": 0, "priority": 1234,
                 "match": {"in_port": 1, "dl_type": "0x0800", "nw_src": "10.0.0.0/24", "nw_proto": 6, "tp_dst": 80},
                 "actions": [{"type": "output", "port": 2}]}""", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String dump = ovs.ofctl("dump-flows", "ctlbr0");
        assertThat(dump).contains("priority=1234,tcp,in_port=1,nw_src=10.0.0.0/24,tp_dst=80 actions=output:2");

        JsonNode listed = http.get("/switches/1/flows").json();
        assertThat(listed.findValuesAsText("priority")).contains("1234");

        Http.Response d = http.send("DELETE", "/switches/1/flows", """
                {"table": 0, "priority": 1234, "strict": true,
                 "match": {"in_port": 1, "dl_type": "0x0800", "nw_src": "10.0.0.0/24", "nw_proto": 6, "tp_dst": 80}}""", TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(ovs.ofctl("dump-flows", "ctlbr0")).doesNotContain("priority=1234");
    }

    @Test
    void flowOpenVSwitchRefusesIsAConflictWithItsError() {
        // A description that is valid OpenFlow, but OVS refuses it: the group does not exist.
        Http.Response r = http.send("POST", "/switches/1/flows",
                "{\"priority\": 5, \"actions\": [{\"type\": \"group\", \"group\": 77}]}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("GROUP");
        assertThat(ovs.ofctl("dump-flows", "ctlbr0")).doesNotContain("priority=5,");
    }

    @Test
    void groupAndAFlowUsingItPostedThroughRestAppearInOpenVSwitch() {
        Http.Response g = http.send("POST", "/switches/2/groups", """
                {"group_id": 7, "type": "select",
                 "buckets": [{"weight": 3, "actions": [{"type": "output", "port": 1}]}, {"actions": [{"type": "output", "port": 2}]}]}""", TOKEN);
        assertThat(g.status()).as(g.text()).isEqualTo(201);
        assertThat(ovs.ofctl("dump-groups", "ctlbr1")).contains("group_id=7,type=select,bucket=weight:3,actions=output:1,bucket=actions=output:2");
        Http.Response f = http.send("POST", "/switches/2/flows",
                "{\"priority\": 77, \"match\": {\"in_port\": 10}, \"actions\": [{\"type\": \"group\", \"group\": 7}]}", TOKEN);
        assertThat(f.status()).as(f.text()).isEqualTo(201);
        assertThat(ovs.ofctl("dump-flows", "ctlbr1")).contains("priority=77,in_port=10 actions=group:7");
        assertThat(http.get("/switches/2/groups").json().get(0).path("group_id").asLong()).isEqualTo(7);
        Http.Response d = http.send("DELETE", "/switches/2/groups/7", null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(ovs.ofctl("dump-groups", "ctlbr1")).doesNotContain("group_id=7");
        // OpenFlow 1.3.5 §5.6: deleting a group deletes the flows that forward to it.
        assertThat(ovs.ofctl("dump-flows", "ctlbr1")).doesNotContain("priority=77");
    }

    @Test
    void meterPostedThroughRestAppearsInDumpMetersAndDeleteRemovesIt() {
        Http.Response m = http.send("POST", "/switches/2/meters", """
                {"meter_id": 3, "flags": ["kbps", "stats"], "bands": [{"type": "drop", "rate": 1000}]}""", TOKEN);
        assertThat(m.status()).as(m.text()).isEqualTo(201);
        assertThat(ovs.ofctl("dump-meters", "ctlbr1")).contains("meter=3 kbps stats bands=", "type=drop rate=1000");
        Http.Response listed = http.get("/switches/2/meters/3");
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        assertThat(listed.json().path("bands").get(0).path("rate").asLong()).isEqualTo(1000);
        Http.Response f = http.send("POST", "/switches/2/flows", "{\"priority\": 78, \"match\": {\"in_port\": 10}, "
                + "\"actions\": [{\"type\": \"meter\", \"meter\": 3}, {\"type\": \"output\", \"port\": 1}]}", TOKEN);
        assertThat(f.status()).as(f.text()).isEqualTo(201);
        assertThat(ovs.ofctl("dump-flows", "ctlbr1")).contains("priority=78,in_port=10 actions=meter:3,output:1");
        Http.Response d = http.send("DELETE", "/switches/2/meters/3", null, TOKEN);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(ovs.ofctl("dump-meters", "ctlbr1")).doesNotContain("meter=3");
        assertThat(http.get("/switches/2/meters/3").status()).isEqualTo(404);
    }

    @Test
    void openVSwitchConnectsOverTls() throws Exception {
        Path dir = ovs.dir();
        ControllerConfig.Tls ours = Certificates.selfSigned(dir, "controller");
        ControllerConfig.Tls theirs = Certificates.selfSigned(dir, "switch");
        ControllerMain.Options o = ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10));
        o = new ControllerMain.Options(o.learningSwitch(), o.lldp(), o.hostTracking(), o.idleTimeout(), o.probeInterval(),
                o.openflow().withTls(ours));
        try (ControllerMain tls = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                TOKEN, o)) {
            BlockingQueue<DeviceEvent> added = new LinkedBlockingQueue<>();
            tls.devices().addListener(added::add);
            // The switch's key and certificate, and our certificate as the CA it checks us against.
            ovs.vsctl("set-ssl", theirs.privateKey().toString(), theirs.certificateChain().toString(),
                    ours.certificateChain().toString());
            ovs.vsctl("add-br", "ctlbr2", "--", "set", "bridge", "ctlbr2", "datapath_type=netdev", "protocols=OpenFlow13",
                    "fail-mode=secure", "other-config:datapath-id=0000000000000003");
            try {
                ovs.vsctl("set-controller", "ctlbr2", "ssl:127.0.0.1:" + tls.openflowAddress().getPort());
                DeviceEvent e = added.poll(20, TimeUnit.SECONDS);
                assertThat(e).as("OVS connected over TLS within 20 s").isNotNull();
                assertThat(e.device().id()).isEqualTo(DatapathId.of(3));
                Http overTls = new Http("http://127.0.0.1:" + tls.apiAddress().getPort() + RestApi.BASE);
                assertThat(overTls.send("POST", "/switches/3/flows", "{\"priority\": 33, \"actions\": [{\"type\": \"drop\"}]}", TOKEN)
                        .status()).isEqualTo(201);
                assertThat(ovs.ofctl("dump-flows", "ctlbr2")).contains("priority=33 actions=drop");
            } finally {
                ovs.vsctl("del-br", "ctlbr2");
            }
        }
    }

    @Test
    void overlayFlowsOfANetworkAppearInDumpFlows() throws Exception {
        ControllerMain.Options o = ControllerMain.apps("learning-switch,overlay",
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)));
        try (ControllerMain overlay = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                TOKEN, o)) {
            BlockingQueue<DeviceEvent> added = new LinkedBlockingQueue<>();
            overlay.devices().addListener(added::add);
            ovs.vsctl("add-br", "ctlbr4", "--", "set", "bridge", "ctlbr4", "datapath_type=netdev", "protocols=OpenFlow13",
                    "fail-mode=secure", "other-config:datapath-id=0000000000000005");
            try {
                ovs.vsctl("add-port", "ctlbr4", "ctl4p1", "--", "set", "interface", "ctl4p1", "type=dummy", "ofport_request=1");
                ovs.vsctl("add-port", "ctlbr4", "ctl4vx", "--", "set", "interface", "ctl4vx", "type=vxlan",
                        "options:remote_ip=192.0.2.2", "options:key=flow", "ofport_request=10");
                ovs.vsctl("set-controller", "ctlbr4", "tcp:127.0.0.1:" + overlay.openflowAddress().getPort());
                assertThat(added.poll(20, TimeUnit.SECONDS)).as("OVS connected within 20 s").isNotNull();
                Http api = new Http("http://127.0.0.1:" + overlay.apiAddress().getPort() + RestApi.BASE);
                for (String[] call : new String[][] {
                        {"/networks/tunnels", "{\"dpid\": \"5\", \"port\": 10, \"remote_dpid\": \"6\"}"},
                        {"/networks", "{\"name\": \"red\", \"vni\": 100}"},
                        {"/networks/red/members", "{\"dpid\": \"5\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\"}"},
                        {"/networks/red/members", "{\"dpid\": \"6\", \"port\": 1, \"mac\": \"02:00:00:00:00:02\"}"}}) {
                    Http.Response r = api.send("POST", call[0], call[1], TOKEN);
                    assertThat(r.status()).as(call[0] + ": " + r.text()).isEqualTo(201);
                }
                String dump = ovs.ofctl("-O", "OpenFlow13", "dump-flows", "ctlbr4");
                assertThat(dump).contains("cookie=0xe7a000000000064,",
                        "priority=500,in_port=1,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02 actions=set_field:0x64->tun_id,output:10",
                        "priority=400,in_port=1,dl_src=02:00:00:00:00:01,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=set_field:0x64->tun_id,output:10",
                        "priority=500,tun_id=0x64,in_port=10,dl_dst=02:00:00:00:00:01 actions=output:1",
                        "priority=400,tun_id=0x64,in_port=10,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=output:1",
                        "priority=300,in_port=1 actions=drop", "priority=300,in_port=10 actions=drop");
                Http.Response d = api.send("DELETE", "/networks/red", null, TOKEN);
                assertThat(d.status()).as(d.text()).isEqualTo(200);
                dump = ovs.ofctl("-O", "OpenFlow13", "dump-flows", "ctlbr4");
                assertThat(dump).doesNotContain("cookie=0xe7a");
            } finally {
                ovs.vsctl("del-br", "ctlbr4");
            }
        }
    }

    /**
     * A port chain rendered onto a real bridge (dpid 7): members a1 (port 1) and a2 (port 2) of red,
     * fw's instance on ports 20/21 of the bridge, ids' instance on the absent switch 8 behind the
     * VXLAN port 10; {@code ofproto/trace} follows packets along the chain both ways.
     */
    @Test
    void aPortChainSteersTracedPacketsThroughItsHopsBothWaysOnOpenVSwitch() throws Exception {
        ControllerMain.Options o = ControllerMain.apps("learning-switch,overlay",
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)));
        try (ControllerMain c = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                TOKEN, o)) {
            BlockingQueue<DeviceEvent> added = new LinkedBlockingQueue<>();
            c.devices().addListener(added::add);
            ovs.vsctl("add-br", "sfcbr", "--", "set", "bridge", "sfcbr", "datapath_type=netdev", "protocols=OpenFlow13",
                    "fail-mode=secure", "other-config:datapath-id=0000000000000007");
            try {
                for (int p : new int[] {1, 2, 20, 21}) {
                    ovs.vsctl("add-port", "sfcbr", "sfcp" + p, "--", "set", "interface", "sfcp" + p, "type=dummy", "ofport_request=" + p);
                }
                ovs.vsctl("add-port", "sfcbr", "sfcvx", "--", "set", "interface", "sfcvx", "type=vxlan",
                        "options:remote_ip=192.0.2.8", "options:key=flow", "ofport_request=10");
                ovs.vsctl("set-controller", "sfcbr", "tcp:127.0.0.1:" + c.openflowAddress().getPort());
                assertThat(added.poll(20, TimeUnit.SECONDS)).as("OVS connected within 20 s").isNotNull();
                Http api = new Http("http://127.0.0.1:" + c.apiAddress().getPort() + RestApi.BASE);
                for (String[] call : new String[][] {
                        {"/networks/tunnels", "{\"dpid\": \"7\", \"port\": 10, \"remote_dpid\": \"8\"}"},
                        {"/networks/tunnels", "{\"dpid\": \"8\", \"port\": 10, \"remote_dpid\": \"7\"}"},
                        {"/networks", "{\"name\": \"red\", \"vni\": 100}"},
                        {"/networks/red/members", "{\"dpid\": \"7\", \"port\": 1, \"mac\": \"02:00:00:00:00:01\"}"},
                        {"/networks/red/members", "{\"dpid\": \"7\", \"port\": 2, \"mac\": \"02:00:00:00:00:02\"}"},
                        {"/sfc/port-pairs", "{\"name\": \"fw1\", \"ingress\": {\"dpid\": \"7\", \"port\": 20}, "
                                + "\"egress\": {\"dpid\": \"7\", \"port\": 21}}"},
                        {"/sfc/port-pairs", "{\"name\": \"ids1\", \"ingress\": {\"dpid\": \"8\", \"port\": 30}, "
                                + "\"egress\": {\"dpid\": \"8\", \"port\": 31}}"},
                        {"/sfc/port-pair-groups", "{\"name\": \"fw\", \"port_pairs\": [\"fw1\"]}"},
                        {"/sfc/port-pair-groups", "{\"name\": \"ids\", \"port_pairs\": [\"ids1\"]}"},
                        {"/sfc/flow-classifiers", "{\"name\": \"web\", \"network\": \"red\", \"protocol\": \"tcp\", "
                                + "\"source_ip_prefix\": \"10.0.0.1/32\", \"destination_ip_prefix\": \"10.0.0.2/32\", "
                                + "\"destination_port_range_min\": 80}"},
                        {"/sfc/port-chains", "{\"name\": \"web\", \"port_pair_groups\": [\"fw\", \"ids\"], "
                                + "\"flow_classifiers\": [\"web\"]}"}}) {
                    Http.Response r = api.send("POST", call[0], call[1], TOKEN);
                    assertThat(r.status()).as(call[0] + ": " + r.text()).isEqualTo(201);
                }
                // Steering ids: fw forward, fw reverse, ids forward, ids reverse.
                String fwRev = "0xfff001";
                String idsFwd = "0xfff002";
                String idsRev = "0xfff003";
                String forward = "tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,tcp_src=40000,tcp_dst=80";
                String reverse = "tcp,dl_src=02:00:00:00:00:02,dl_dst=02:00:00:00:00:01,nw_src=10.0.0.2,nw_dst=10.0.0.1,tcp_src=80,tcp_dst=40000";
                // Classified at a1's port: to fw's ingress.
                assertThat(trace("in_port=1," + forward)).contains("priority 610", "output:20").doesNotContain("output:21");
                // Out of fw's egress: on to ids on switch 8, over the tunnel with ids' forward steering id.
                assertThat(trace("in_port=21," + forward)).contains("priority 620", "set_field:" + idsFwd + "->tun_id", "output:10");
                // Back from ids after the chain (switch 8 delivered it with the VNI): to a2.
                assertThat(trace("tun_id=0x64,in_port=10," + forward)).contains("output:2");
                // The reply, classified at a2's port: to the last hop's egress (ids on switch 8, reverse steering id).
                assertThat(trace("in_port=2," + reverse)).contains("priority 605", "set_field:" + idsRev + "->tun_id", "output:10");
                // Back from ids' ingress on switch 8: to fw's egress.
                assertThat(trace("tun_id=" + fwRev + ",in_port=10," + reverse)).contains("priority 620", "output:21");
                // Out of fw's ingress (reverse, first group): normal forwarding to a1.
                assertThat(trace("in_port=20," + reverse)).contains("priority 600", "output:1");
                // Traffic the classifier does not take is the overlay's.
                assertThat(trace("in_port=1," + forward.replace("tcp_dst=80", "tcp_dst=443"))).contains("priority 500", "output:2")
                        .doesNotContain("output:20");
                Http.Response d = api.send("DELETE", "/sfc/port-chains/web", null, TOKEN);
                assertThat(d.status()).as(d.text()).isEqualTo(200);
                assertThat(ovs.ofctl("-O", "OpenFlow13", "dump-flows", "sfcbr")).doesNotContain("cookie=0x5fc");
            } finally {
                ovs.vsctl("del-br", "sfcbr");
            }
        }
    }

    private static String trace(String flow) {
        return ovs.run("ovs-appctl", "ofproto/trace", "sfcbr", flow);
    }

    @Test
    void aclRulesPostedThroughRestAreFlowsInOpenVSwitchAndTheLearningSwitchMovesToTable1() throws Exception {
        ControllerMain.Options o = ControllerMain.apps("learning-switch,hosts,acl",
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)));
        try (ControllerMain acl = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                TOKEN, o)) {
            BlockingQueue<DeviceEvent> added = new LinkedBlockingQueue<>();
            acl.devices().addListener(added::add);
            ovs.vsctl("add-br", "ctlbr3", "--", "set", "bridge", "ctlbr3", "datapath_type=netdev", "protocols=OpenFlow13",
                    "fail-mode=secure", "other-config:datapath-id=0000000000000004");
            try {
                ovs.vsctl("set-controller", "ctlbr3", "tcp:127.0.0.1:" + acl.openflowAddress().getPort());
                assertThat(added.poll(20, TimeUnit.SECONDS)).as("OVS connected within 20 s").isNotNull();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String dump = "";
                while (System.nanoTime() < deadline && !(dump.contains("goto_table:1") && dump.contains("table=1"))) {
                    Thread.sleep(50);
                    dump = ovs.ofctl("dump-flows", "ctlbr3");
                }
                assertThat(dump).contains("table=0,", "priority=0 actions=goto_table:1", "table=1,", "priority=0 actions=CONTROLLER:65535");
                Http api = new Http("http://127.0.0.1:" + acl.apiAddress().getPort() + RestApi.BASE);
                Http.Response r = api.send("POST", "/acls",
                        "{\"priority\": 100, \"ipv4_src\": \"10.0.0.0/24\", \"ip_proto\": 6, \"tp_dst\": 22, \"action\": \"deny\"}", TOKEN);
                assertThat(r.status()).as(r.text()).isEqualTo(201);
                Http.Response allow = api.send("POST", "/acls",
                        "{\"priority\": 200, \"ipv4_src\": \"10.0.0.5\", \"action\": \"allow\"}", TOKEN);
                assertThat(allow.status()).as(allow.text()).isEqualTo(201);
                dump = ovs.ofctl("dump-flows", "ctlbr3");
                assertThat(dump).contains("cookie=0xac10000000000001,", "priority=1100,tcp,nw_src=10.0.0.0/24,tp_dst=22 actions=drop",
                        "priority=1200,ip,nw_src=10.0.0.5 actions=goto_table:1");
                Http.Response d = api.send("DELETE", "/acls/" + r.json().path("id").asLong(), null, TOKEN);
                assertThat(d.status()).as(d.text()).isEqualTo(200);
                dump = ovs.ofctl("dump-flows", "ctlbr3");
                assertThat(dump).doesNotContain("priority=1100").contains("priority=1200");
            } finally {
                ovs.vsctl("del-br", "ctlbr3");
            }
        }
    }

    @Test
    void patchLinkBetweenTwoBridgesShowsUpInTheTopology() throws Exception {
        Set<String> seen = new HashSet<>();
        for (JsonNode l : http.get("/topology").json().path("links")) {
            seen.add(l.path("src").path("dpid").asText() + "/" + l.path("src").path("port").asText());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            LinkEvent e = links.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.type() == LinkEvent.Type.LINK_ADDED) {
                seen.add(e.link().src().dpid() + "/" + e.link().src().port());
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("0000000000000001/10", "0000000000000002/10");
        JsonNode topo = http.get("/topology").json();
        assertThat(topo.path("links").toString()).contains(
                "{\"src\":{\"dpid\":\"0000000000000001\",\"port\":10},\"dst\":{\"dpid\":\"0000000000000002\",\"port\":10},\"type\":\"direct\"}");
        JsonNode path = http.get("/topology/path?src=1&dst=2").json();
        assertThat(path.path("hops").asInt()).isEqualTo(1);
    }
}
