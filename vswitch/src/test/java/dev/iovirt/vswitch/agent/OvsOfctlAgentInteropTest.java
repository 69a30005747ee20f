package dev.iovirt.vswitch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.packet.testing.TestFrames;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ovs-ofctl -O OpenFlow13 COMMAND tcp:127.0.0.1:PORT} manages our switch through the
 * agent's passive listener, as it manages Open vSwitch: what it installs forwards the frames of
 * dummy ports, and what it dumps is what the switch holds and counted.
 */
@Tag("interop")
@Timeout(60)
class OvsOfctlAgentInteropTest {
    @TempDir
    Path dir;
    SwitchAgent agent;
    String target;
    ThreadSafePort p1 = new ThreadSafePort("p1");
    ThreadSafePort p2 = new ThreadSafePort("p2");
    ThreadSafePort p3 = new ThreadSafePort("p3");
    final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
    final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Peers.require("ovs-ofctl", "openvswitch-common");
        agent = new SwitchAgent(new Bridge("br0", DatapathId.of(0x1), System::nanoTime), AgentConfig.DEFAULT,
                new AgentListener() {
                    @Override
                    public void disconnected(String peer, boolean active, String reason) {
                        closed.add(peer);
                    }

                    @Override
                    public void warning(String message) {
                        warnings.add(message);
                    }
                });
        agent.addPort(1, "p1", p1);
        agent.addPort(2, "p2", p2);
        agent.addPort(3, "p3", p3);
        agent.start();
        InetSocketAddress at = agent.listen(new ControllerTarget("127.0.0.1", 0));
        target = "tcp:127.0.0.1:" + at.getPort();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    /** Runs ovs-ofctl against the switch and returns what it printed; waits until the switch saw it leave. */
    String ofctl(String command, String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13", command, target));
        cmd.addAll(List.of(args));
        String out = Peers.run(20, cmd).requireSuccess().stdout();
        assertThat(closed.poll(10, TimeUnit.SECONDS)).as("the switch saw ovs-ofctl disconnect").isNotNull();
        assertThat(warnings).as("nothing ovs-ofctl sent was malformed").isEmpty();
        return out;
    }

    static List<String> flowLines(String dump) {
        return dump.lines().filter(l -> l.contains("actions=")).map(String::strip).toList();
    }

    @Test
    void addFlowForwardsAndDumpFlowsShowsItsCounters() throws Exception {
        ofctl("add-flow", "table=0,priority=100,in_port=1,udp,actions=output:2");
        for (int i = 0; i < 3; i++) {
            p1.inject(TestFrames.udp64());
        }
        for (int i = 0; i < 3; i++) {
            assertThat(p2.nextTransmitted()).isEqualTo(TestFrames.udp64());
        }
        assertThat(flowLines(ofctl("dump-flows"))).singleElement().asString()
                .contains("n_packets=3", "n_bytes=180", "priority=100,udp,in_port=1 actions=output:2");
        String ports = ofctl("dump-ports");
        assertThat(ports).contains("port  1: rx pkts=3, bytes=180", "port  2: rx pkts=0");
        assertThat(ports).containsPattern("port  2: rx pkts=0[^\\n]*\\n\\s+tx pkts=3, bytes=180");
    }

    @Test
    void addFlowsFromAFileThenDelFlowsEmptiesTheTables() throws Exception {
        Path flows = dir.resolve("flows.txt");
        Files.writeString(flows, """
                # two tables: classify in 0, forward in 1
                table=0,priority=10,ip,actions=goto_table:1
                table=1,priority=20,ip,nw_dst=10.0.0.2,actions=output:3
                table=1,priority=5,actions=drop
                """);
        ofctl("add-flows", flows.toString());
        p1.inject(TestFrames.udp64());
        assertThat(p3.nextTransmitted()).isEqualTo(TestFrames.udp64());
        List<String> lines = flowLines(ofctl("dump-flows"));
        assertThat(lines).hasSize(3);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("table=1", "n_packets=1", "priority=20,ip,nw_dst=10.0.0.2 actions=output:3"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("n_packets=1", "priority=10,ip actions=goto_table:1"));

        ofctl("del-flows", "table=1,ip");
        assertThat(flowLines(ofctl("dump-flows"))).hasSize(2);
        ofctl("del-flows");
        assertThat(flowLines(ofctl("dump-flows"))).isEmpty();
    }

    @Test
    void groupsAddedByOvsOfctlForwardAndDumpBack() throws Exception {
        ofctl("add-group", "group_id=1,type=all,bucket=output:2,bucket=output:3");
        ofctl("add-flow", "priority=1,in_port=1,actions=group:1");
        p1.inject(TestFrames.arpRequest());
        assertThat(p2.nextTransmitted()).isEqualTo(TestFrames.arpRequest());
        assertThat(p3.nextTransmitted()).isEqualTo(TestFrames.arpRequest());
        assertThat(ofctl("dump-groups")).contains("group_id=1,type=all,bucket=actions=output:2,bucket=actions=output:3");
        assertThat(ofctl("dump-group-stats")).contains("group_id=1", "ref_count=1", "packet_count=1");
    }

    @Test
    void refusedFlowModComesBackAsOvsOfctlsError() {
        var r = Peers.run(20, "ovs-ofctl", "-O", "OpenFlow13", "add-flow", target, "priority=1,actions=group:9");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("OFPBAC_BAD_OUT_GROUP");
    }

    @Test
    void modPortTakesAPortDownAndItStopsForwarding() throws Exception {
        ofctl("add-flow", "priority=1,in_port=1,actions=output:2");
        ofctl("mod-port", "p2", "down");
        assertThat(ofctl("dump-ports-desc")).containsPattern("2\\(p2\\): addr:[0-9a-f:]+\\n\\s+config:\\s+PORT_DOWN");
        p1.inject(TestFrames.udp64());
        agent.call(Bridge::runUntilQuiet).get(10, TimeUnit.SECONDS); // forwarded (or not) before p2 comes up
        ofctl("mod-port", "p2", "up");
        p1.inject(TestFrames.tcpSyn());
        // The frame sent while p2 was down never came out; the one after did.
        assertThat(p2.nextTransmitted()).isEqualTo(TestFrames.tcpSyn());
    }

    @Test
    void openFlow10OnlyOvsOfctlIsRefusedAtTheHello() {
        var r = Peers.run(20, "ovs-ofctl", "-O", "OpenFlow10", "show", target);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).containsIgnoringCase("version negotiation failed");
    }

    @Test
    void aggregateAndTableFeaturesDumpsAreReadable() throws Exception {
        ofctl("add-flow", "priority=1,in_port=1,actions=output:2");
        assertThat(ofctl("dump-aggregate")).contains("flow_count=1");
        String features = ofctl("dump-table-features");
        assertThat(features).contains("table 0 (", "table 253 (", "max_entries=1000000");
    }

    @Test
    void showDescribesTheSwitchAndItsPorts() throws Exception {
        String show = ofctl("show");
        assertThat(show).contains("dpid:0000000000000001", "n_tables:254", "1(p1): addr:", "2(p2): addr:", "3(p3): addr:");
    }
}
