package dev.iovirt.vswitch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.testing.OsKenApps;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.vswitch.ofproto.Bridge;
import dev.iovirt.vswitch.ofproto.FlowEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * os-ken (the maintained Ryu) running a learning-switch app controls our switch: the agent
 * connects actively to osken-manager (retrying with backoff while os-ken starts), or os-ken
 * connects to the agent's passive listener ({@code --ofp-switch-address-list}); os-ken installs
 * its table-miss flow, learns from our packet-ins, and two ports behind the switch reach each other
 * first through packet-outs and then through the flow os-ken installed.
 */
@Tag("interop")
@Timeout(60)
class OsKenAgentInteropTest {
    static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");

    @TempDir
    Path dir;
    Process osken;
    SwitchAgent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (osken != null) {
            osken.destroy();
            osken.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
                osken.destroyForcibly();
                return null;
            }).join();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("osken.log"));
    }

    @Test
    void learningSwitchOnOsKenLetsTwoPortsReachEachOther() throws Exception {
        run(false);
    }

    /** The other way round: os-ken connects to our passive listener (--ofp-switch-address-list). */
    @Test
    void osKenConnectingToOurListenerControlsTheSwitchToo() throws Exception {
        run(true);
    }

    private void run(boolean passive) throws Exception {
        Peers.require("osken-manager", "python3-os-ken");
        CompletableFuture<Void> tableMiss = new CompletableFuture<>();
        CompletableFuture<OfpFlowMod> learned = new CompletableFuture<>();
        ThreadSafePort p1 = new ThreadSafePort("p1");
        ThreadSafePort p2 = new ThreadSafePort("p2");
        AgentConfig config = AgentConfig.DEFAULT.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
        agent = new SwitchAgent(new Bridge("br0", DatapathId.of(0x42), System::nanoTime), config, new AgentListener() {
            @Override
            public void handled(String peer, OfpMessage m) {
                if (m instanceof OfpFlowMod f && f.priority() == 0) {
                    tableMiss.complete(null);
                } else if (m instanceof OfpFlowMod f) {
                    learned.complete(f);
                }
            }
        });
        agent.addPort(1, "p1", p1);
        agent.addPort(2, "p2", p2);
        agent.start();

        int oskenPort = freePort(); // os-ken always listens; in passive mode nobody connects there
        Path app = dir.resolve("learn.py");
        Files.writeString(app, OsKenApps.LEARNING_SWITCH);
        List<String> cmd = new java.util.ArrayList<>(List.of("osken-manager", "--ofp-listen-host", "127.0.0.1",
                "--ofp-tcp-listen-port", Integer.toString(oskenPort)));
        if (passive) {
            int ours = agent.listen(new ControllerTarget("127.0.0.1", 0)).getPort();
            cmd.addAll(List.of("--ofp-switch-address-list", "127.0.0.1:" + ours));
        }
        cmd.add(app.toString());
        osken = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("osken.log").toFile()).start();
        if (!passive) {
            agent.connect(new ControllerTarget("127.0.0.1", oskenPort));
        }
        try {
            tableMiss.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("os-ken installed no table-miss flow in 30 s; its log:\n" + log());
        }

        // A broadcasts: packet-in, os-ken learns A on port 1 and floods with a packet-out.
        byte[] fromA = PacketBuilder.ethernet(A, MacAddress.BROADCAST)
                .ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.255")).udp(68, 67).build();
        p1.inject(fromA);
        assertThat(p2.nextTransmitted()).isEqualTo(fromA);
        // B answers A: packet-in, os-ken knows A, installs in_port=2,eth_src=B,eth_dst=A -> 1 and sends it on.
        byte[] fromB = PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.0.0.2"), Ipv4Address.of("10.0.0.1")).udp(67, 68).build();
        p2.inject(fromB);
        assertThat(p1.nextTransmitted()).isEqualTo(fromB);
        OfpFlowMod flow = learned.get(30, TimeUnit.SECONDS);
        assertThat(flow.match()).isEqualTo(Match.builder().inPort(2).ethDst(A).ethSrc(B).build());
        // The next frame from B takes the installed flow, without the controller.
        p2.inject(fromB);
        assertThat(p1.nextTransmitted()).isEqualTo(fromB);
        List<FlowEntry> flows = agent.call(Bridge::flows).get(10, TimeUnit.SECONDS);
        assertThat(flows).hasSize(2);
        assertThat(flows).anySatisfy(e -> {
            assertThat(e.priority()).isEqualTo(1);
            assertThat(e.packets()).isEqualTo(1);
        });
        assertThat(log()).doesNotContainIgnoringCase("error");
    }
}
