package dev.iovirt.vswitch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.testing.TestFrames;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent with its real switch thread and real loopback sockets, passive and active. */
@org.junit.jupiter.api.Timeout(30)
class SwitchAgentSocketTest {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final List<Duration> retries = new CopyOnWriteArrayList<>();
    SwitchAgent agent;
    ThreadSafePort p1 = new ThreadSafePort("p1");
    ThreadSafePort p2 = new ThreadSafePort("p2");

    @BeforeEach
    void setUp() {
        Bridge bridge = new Bridge("br0", DatapathId.of(7), System::nanoTime);
        AgentConfig config = AgentConfig.DEFAULT.withBackoff(Duration.ofMillis(20), Duration.ofMillis(80));
        agent = new SwitchAgent(bridge, config, new AgentListener() {
            @Override
            public void connected(String peer, boolean active) {
                events.add("connected " + (active ? "active" : "passive"));
            }

            @Override
            public void disconnected(String peer, boolean active, String reason) {
                events.add("disconnected");
            }

            @Override
            public void connectFailed(String target, String reason, Duration retryIn) {
                retries.add(retryIn);
            }
        });
        agent.addPort(1, "p1", p1);
        agent.addPort(2, "p2", p2);
        agent.start();
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    String nextEvent() throws InterruptedException {
        String e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an agent event within 10 s").isNotNull();
        return e;
    }

    static OfClient handshake(OfClient c) throws IOException {
        assertThat(c.next()).isInstanceOf(OfpHello.class);
        c.send(OfpHello.of(1));
        return c;
    }

    @Test
    void passiveListenerServesAControllerThatProgramsForwarding() throws Exception {
        InetSocketAddress at = agent.listen(new ControllerTarget("127.0.0.1", 0));
        try (OfClient c = handshake(OfClient.connect(at.getPort()))) {
            c.send(new OfpFeaturesRequest(2));
            assertThat(c.next(OfpFeaturesReply.class).datapathId()).isEqualTo(DatapathId.of(7));
            c.send(OfpFlowMod.builder(FlowModCommand.ADD).priority(10).match(Match.builder().inPort(1).build())
                    .apply(Action.Output.to(2)).build());
            c.send(new OfpBarrierRequest(3));
            assertThat(c.next(OfpBarrierReply.class).xid()).isEqualTo(3);
            p1.inject(TestFrames.udp64());
            assertThat(p2.nextTransmitted()).isEqualTo(TestFrames.udp64());
        }
        assertThat(nextEvent()).isEqualTo("connected passive");
        assertThat(nextEvent()).isEqualTo("disconnected");
    }

    @Test
    void packetInFromTheSwitchThreadReachesTheController() throws Exception {
        InetSocketAddress at = agent.listen(new ControllerTarget("127.0.0.1", 0));
        try (OfClient c = handshake(OfClient.connect(at.getPort()))) {
            c.send(OfpFlowMod.builder(FlowModCommand.ADD).priority(0).apply(Action.Output.to(PortNo.CONTROLLER)).build());
            c.send(new OfpBarrierRequest(3));
            c.next(OfpBarrierReply.class);
            p2.inject(TestFrames.arpRequest());
            OfpPacketIn pi = c.next(OfpPacketIn.class);
            assertThat(pi.inPort()).isEqualTo(PortNo.of(2));
            assertThat(pi.data()).isEqualTo(TestFrames.arpRequest());
        }
    }

    @Test
    void switchThreadExpiresFlowsAndTellsTheController() throws Exception {
        InetSocketAddress at = agent.listen(new ControllerTarget("127.0.0.1", 0));
        try (OfClient c = handshake(OfClient.connect(at.getPort()))) {
            c.send(OfpFlowMod.builder(FlowModCommand.ADD).priority(3).cookie(0x77).hardTimeout(1)
                    .flags(OfpFlowMod.FLAG_SEND_FLOW_REM).apply(Action.Output.to(2)).build());
            // The switch thread checks timeouts once a second on its own: no message from us needed.
            OfpFlowRemoved removed = c.next(OfpFlowRemoved.class);
            assertThat(removed.cookie()).isEqualTo(0x77);
            assertThat(removed.reason()).isEqualTo(OfpFlowRemoved.REASON_HARD_TIMEOUT);
        }
    }

    @Test
    void activeConnectionRetriesWithDoublingBackoffAndReconnectsAfterALoss() throws Exception {
        try (ServerSocket controller = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            controller.setSoTimeout(10_000);
            agent.connect(new ControllerTarget("127.0.0.1", controller.getLocalPort()));
            // Two attempts closed before the handshake: the waits are 20 ms, then 40 ms.
            for (int i = 0; i < 2; i++) {
                try (Socket s = controller.accept()) {
                    assertThat(new OfClient(s).next()).isInstanceOf(OfpHello.class);
                }
            }
            try (OfClient c = handshake(new OfClient(controller.accept()))) {
                assertThat(nextEvent()).isEqualTo("connected active");
                assertThat(retries).containsExactly(Duration.ofMillis(20), Duration.ofMillis(40));
                c.send(new OfpBarrierRequest(1));
                assertThat(c.next(OfpBarrierReply.class).xid()).isEqualTo(1);
            }
            assertThat(nextEvent()).isEqualTo("disconnected");
            // The handshake reset the backoff; the switch comes back on its own.
            try (OfClient c = handshake(new OfClient(controller.accept()))) {
                assertThat(nextEvent()).isEqualTo("connected active");
                c.send(new OfpBarrierRequest(2));
                assertThat(c.next(OfpBarrierReply.class).xid()).isEqualTo(2);
            }
        }
    }

    @Test
    void closingTheAgentClosesItsConnectionsAndListener() throws Exception {
        InetSocketAddress at = agent.listen(new ControllerTarget("127.0.0.1", 0));
        try (OfClient c = handshake(OfClient.connect(at.getPort()))) {
            assertThat(nextEvent()).isEqualTo("connected passive");
            agent.close();
            assertThat(c.closedBySwitch()).isTrue();
        }
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> OfClient.connect(at.getPort())))
                .isNotNull();
    }

    @Test
    void listeningOnAnAddressInUseIsAnErrorWithItsMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> agent.listen(new ControllerTarget("127.0.0.1", taken.getLocalPort())));
            assertThat(e.getMessage()).startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .containsIgnoringCase("in use");
        }
    }
}
