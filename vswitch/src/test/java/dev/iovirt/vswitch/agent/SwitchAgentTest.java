package dev.iovirt.vswitch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.OfpRoleReply;
import dev.iovirt.openflow.OfpRoleRequest;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.TestFrames;
import dev.iovirt.vswitch.ofproto.Bridge;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent in step mode, with the controller at the other end of an {@link EmbeddedChannel}: no
 * sockets, no threads; the test drives the switch with {@link SwitchAgent#runUntilQuiet()}.
 */
@org.junit.jupiter.api.Timeout(30)
class SwitchAgentTest {
    final long[] now = {1_000_000_000L};
    final List<String> events = new ArrayList<>();
    Bridge bridge;
    SwitchAgent agent;
    DummyPort p1;
    DummyPort p2;

    @BeforeEach
    void setUp() {
        agent = newAgent(FailMode.SECURE);
    }

    SwitchAgent newAgent(FailMode mode) {
        bridge = new Bridge("br0", DatapathId.of(0x42), () -> now[0]);
        SwitchAgent a = new SwitchAgent(bridge, AgentConfig.DEFAULT.withFailMode(mode), new AgentListener() {
            @Override
            public void connected(String peer, boolean active) {
                events.add("connected " + peer);
            }

            @Override
            public void disconnected(String peer, boolean active, String reason) {
                events.add("disconnected " + peer);
            }

            @Override
            public void failOpen(boolean active) {
                events.add("fail-open " + active);
            }
        });
        p1 = new DummyPort("p1");
        p2 = new DummyPort("p2");
        a.addPort(1, "p1", p1);
        a.addPort(2, "p2", p2);
        a.runUntilQuiet();
        return a;
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    /** A controller connection that has completed the handshake, with the switch's HELLO consumed. */
    EmbeddedChannel controller(boolean active) {
        EmbeddedChannel ch = new EmbeddedChannel(agent.channelInitializer("c" + events.size(), active));
        assertThat(Wire.received(ch)).singleElement().isEqualTo(new OfpHello(1, OfpMessage.VERSION, 1 << 4));
        Wire.send(ch, OfpHello.of(77));
        assertThat(agent.connectionCount()).isPositive();
        return ch;
    }

    List<OfpMessage> exchange(EmbeddedChannel ch, OfpMessage... messages) {
        for (OfpMessage m : messages) {
            Wire.send(ch, m);
        }
        agent.runUntilQuiet();
        return Wire.received(ch);
    }

    /** Step mode: runs {@code work} on the switch's (here: our) thread and returns its result. */
    <T> T onSwitch(java.util.function.Function<Bridge, T> work) {
        var f = agent.call(work);
        agent.runUntilQuiet();
        return f.getNow(null);
    }

    static OfpFlowMod flow(int priority, Match match, Action... actions) {
        return OfpFlowMod.builder(FlowModCommand.ADD).xid(5).priority(priority).match(match).apply(actions).build();
    }

    @Test
    void handshakeNegotiatesOpenFlow13WithAPeerOfferingSeveralVersions() {
        EmbeddedChannel ch = new EmbeddedChannel(agent.channelInitializer("ovs-ofctl", false));
        assertThat(Wire.received(ch)).containsExactly(new OfpHello(1, 0x04, 1 << 4));
        // ovs-ofctl -O OpenFlow10,OpenFlow13,OpenFlow15 offers a bitmap; the highest common version is 1.3.
        Wire.send(ch, new OfpHello(9, 0x06, 1 << 1 | 1 << 4 | 1 << 6));
        assertThat(ch.isOpen()).isTrue();
        assertThat(events).containsExactly("connected ovs-ofctl");
        List<OfpMessage> replies = exchange(ch, new OfpFeaturesRequest(3));
        assertThat(replies).singleElement().isInstanceOfSatisfying(OfpFeaturesReply.class, f -> {
            assertThat(f.xid()).isEqualTo(3);
            assertThat(f.datapathId()).isEqualTo(DatapathId.of(0x42));
            assertThat(f.nTables()).isEqualTo(Bridge.TABLES);
        });
    }

    @Test
    void peerWithoutOpenFlow13GetsHelloFailedIncompatibleAndIsClosed() {
        EmbeddedChannel ch = new EmbeddedChannel(agent.channelInitializer("old", false));
        Wire.received(ch);
        Wire.send(ch, new OfpHello(9, 0x01, 1 << 1)); // OpenFlow 1.0 only
        List<OfpError> errors = Wire.received(ch, OfpError.class);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.HELLO_FAILED_INCOMPATIBLE);
            assertThat(e.xid()).isEqualTo(9);
            assertThat(new String(e.data(), StandardCharsets.US_ASCII)).contains("OpenFlow 1.3", "0x1");
        });
        assertThat(ch.isOpen()).isFalse();
        assertThat(agent.connectionCount()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void messageBeforeHelloClosesTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(agent.channelInitializer("rude", false));
        Wire.received(ch);
        Wire.send(ch, new OfpFeaturesRequest(1));
        assertThat(ch.isOpen()).isFalse();
        agent.runUntilQuiet();
        assertThat(Wire.received(ch)).isEmpty();
    }

    @Test
    void echoRequestIsAnsweredWithItsDataWithoutWaitingForTheSwitchThread() {
        EmbeddedChannel ch = controller(false);
        Wire.send(ch, new OfpEchoRequest(12, new byte[] {1, 2, 3}));
        // No runUntilQuiet: the event loop answers liveness probes itself.
        assertThat(Wire.received(ch)).containsExactly(new OfpEchoReply(12, new byte[] {1, 2, 3}));
    }

    @Test
    void silentControllerIsProbedWithAnEchoThenDisconnected() {
        EmbeddedChannel ch = controller(true);
        ch.freezeTime();
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(Wire.received(ch)).singleElement().isInstanceOf(OfpEchoRequest.class);
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(events).contains("disconnected c0");
    }

    @Test
    void anEchoReplyKeepsTheConnection() {
        EmbeddedChannel ch = controller(true);
        ch.freezeTime();
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runPendingTasks();
        OfpEchoRequest probe = (OfpEchoRequest) Wire.received(ch).get(0);
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        Wire.send(ch, new OfpEchoReply(probe.xid(), probe.data()));
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        assertThat(Wire.received(ch)).isEmpty();
        ch.advanceTimeBy(1, TimeUnit.SECONDS); // 5 s after the reply: probe again
        ch.runPendingTasks();
        assertThat(Wire.received(ch)).singleElement().isInstanceOf(OfpEchoRequest.class);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void barrierIsAnsweredOnlyAfterEveryEarlierMessageTookEffect() {
        EmbeddedChannel ch = controller(false);
        Wire.send(ch, flow(10, Match.builder().inPort(1).build(), Action.Output.to(2)));
        Wire.send(ch, new OfpBarrierRequest(6));
        // Queued for the switch thread, not answered by the event loop.
        assertThat(Wire.received(ch)).isEmpty();
        agent.runUntilQuiet();
        assertThat(Wire.received(ch)).containsExactly(new OfpBarrierReply(6));
        assertThat(onSwitch(Bridge::flows)).hasSize(1);
    }

    @Test
    void flowModThroughTheConnectionChangesForwarding() {
        EmbeddedChannel ch = controller(false);
        p1.inject(TestFrames.udp64());
        agent.runUntilQuiet();
        assertThat(p2.drain()).isEmpty(); // secure, no flows: dropped

        assertThat(exchange(ch, flow(10, Match.builder().inPort(1).build(), Action.Output.to(2)))).isEmpty();
        p1.inject(TestFrames.udp64());
        agent.runUntilQuiet();
        assertThat(p2.drain()).containsExactly(TestFrames.udp64());
    }

    @Test
    void flowModSentJustBeforeTheControllerLeftStillTakesEffect() {
        EmbeddedChannel ch = controller(false);
        Wire.send(ch, flow(10, Match.builder().inPort(1).build(), Action.Output.to(2)));
        ch.close();
        agent.runUntilQuiet();
        assertThat(onSwitch(Bridge::flows)).hasSize(1);
    }

    @Test
    void packetInReachesTheControllerWithTheFrameAndInPort() {
        EmbeddedChannel ch = controller(true);
        exchange(ch, flow(0, Match.ALL, Action.Output.to(PortNo.CONTROLLER)));
        byte[] frame = TestFrames.arpRequest();
        p2.inject(frame);
        agent.runUntilQuiet();
        assertThat(Wire.received(ch, OfpPacketIn.class)).singleElement().satisfies(pi -> {
            assertThat(pi.inPort()).isEqualTo(PortNo.of(2));
            assertThat(pi.data()).isEqualTo(frame);
            assertThat(pi.totalLen()).isEqualTo(frame.length);
        });
    }

    @Test
    void asyncEventsGoToEveryConnectionPastItsHandshakeOnly() {
        EmbeddedChannel a = controller(true);
        EmbeddedChannel b = controller(false);
        EmbeddedChannel shaking = new EmbeddedChannel(agent.channelInitializer("no hello yet", true));
        Wire.received(shaking);
        exchange(a, flow(0, Match.ALL, Action.Output.to(PortNo.CONTROLLER)));
        p1.inject(TestFrames.udp64());
        agent.runUntilQuiet();
        assertThat(Wire.received(a, OfpPacketIn.class)).hasSize(1);
        assertThat(Wire.received(b, OfpPacketIn.class)).hasSize(1);
        assertThat(Wire.received(shaking)).isEmpty();
    }

    @Test
    void portAddedWhileConnectedIsAnnouncedByPortStatus() {
        EmbeddedChannel ch = controller(false);
        agent.addPort(3, "p3", new DummyPort("p3"));
        agent.runUntilQuiet();
        assertThat(Wire.received(ch, OfpPortStatus.class)).singleElement().satisfies(ps -> {
            assertThat(ps.reason()).isEqualTo(OfpPortStatus.REASON_ADD);
            assertThat(ps.port().name()).isEqualTo("p3");
        });
    }

    @Test
    void aFloodingControllerIsPausedUntilTheSwitchCatchesUp() {
        EmbeddedChannel ch = controller(false);
        for (int i = 0; i < OfConnection.READ_PAUSE - 1; i++) {
            Wire.send(ch, new OfpBarrierRequest(i));
        }
        assertThat(ch.config().isAutoRead()).isTrue();
        Wire.send(ch, new OfpBarrierRequest(9999));
        assertThat(ch.config().isAutoRead()).as("reading paused at %d queued messages", OfConnection.READ_PAUSE).isFalse();
        agent.runUntilQuiet();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(Wire.received(ch, OfpBarrierReply.class)).hasSize(OfConnection.READ_PAUSE);
    }

    @Test
    void workAfterCloseIsRefused() {
        agent.close();
        assertThat(agent.call(Bridge::flows)).isCompletedExceptionally();
    }

    @Test
    void malformedMessageIsAnsweredWithTheSpecErrorAndTheConnectionSurvives() {
        EmbeddedChannel ch = controller(false);
        byte[] unknownType = {0x04, 99, 0, 8, 0, 0, 0, 33};
        Wire.sendBytes(ch, unknownType);
        assertThat(Wire.received(ch, OfpError.class)).singleElement().satisfies(e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.BAD_REQUEST_BAD_TYPE);
            assertThat(e.xid()).isEqualTo(33);
            assertThat(e.data()).isEqualTo(unknownType);
        });
        byte[] badVersion = {0x01, 2, 0, 8, 0, 0, 0, 34}; // an OpenFlow 1.0 echo request on a 1.3 connection
        Wire.sendBytes(ch, badVersion);
        assertThat(Wire.received(ch, OfpError.class)).singleElement().extracting(OfpError::error)
                .isEqualTo(ErrorCode.BAD_REQUEST_BAD_VERSION);
        // A well-formed message the switch refuses: the bridge's error, with the request's first bytes.
        OfpFlowMod badTable = OfpFlowMod.builder(FlowModCommand.ADD).xid(35).table(254).apply(Action.Output.to(1)).build();
        assertThat(exchange(ch, badTable)).singleElement().isInstanceOfSatisfying(OfpError.class, e -> {
            assertThat(e.error()).isEqualTo(ErrorCode.FLOW_MOD_FAILED_BAD_TABLE_ID);
            assertThat(e.xid()).isEqualTo(35);
            assertThat(e.data()).isEqualTo(Arrays.copyOf(OfpCodec.encode(badTable), 64));
        });
        assertThat(ch.isOpen()).isTrue();
        assertThat(exchange(ch, new OfpBarrierRequest(36))).containsExactly(new OfpBarrierReply(36));
    }

    @Test
    void badOxmInAFlowModIsBadMatchAndTheConnectionSurvives() {
        EmbeddedChannel ch = controller(false);
        byte[] fm = OfpCodec.encode(flow(10, Match.builder().inPort(1).build(), Action.Output.to(2)));
        int at = indexOf(fm, new byte[] {(byte) 0x80, 0x00, 0x00, 0x04}); // OXM_OF_IN_PORT, 4 bytes (OF 1.3.5 §7.2.3.2)
        byte[] unknownField = fm.clone();
        unknownField[at + 2] = (byte) 0xFE; // field 127: no such OpenFlow basic field
        Wire.sendBytes(ch, unknownField);
        assertThat(Wire.received(ch, OfpError.class)).singleElement().extracting(OfpError::error)
                .isEqualTo(ErrorCode.BAD_MATCH_BAD_FIELD);
        byte[] longOxm = fm.clone();
        longOxm[at + 3] = 0x40; // claims 64 bytes of value inside a 12-byte match
        Wire.sendBytes(ch, longOxm);
        assertThat(Wire.received(ch, OfpError.class)).singleElement().extracting(OfpError::error)
                .isEqualTo(ErrorCode.BAD_MATCH_BAD_LEN);
        assertThat(onSwitch(Bridge::flows)).isEmpty();
        assertThat(exchange(ch, new OfpBarrierRequest(50))).containsExactly(new OfpBarrierReply(50));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void headerShorterThanEightBytesIsFatal() {
        EmbeddedChannel ch = controller(false);
        Wire.sendBytes(ch, new byte[] {0x04, 2, 0, 4, 0, 0, 0, 1});
        assertThat(Wire.received(ch, OfpError.class)).singleElement().extracting(OfpError::error)
                .isEqualTo(ErrorCode.BAD_REQUEST_BAD_LEN);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void largeFlowDumpIsSplitIntoMultipartPartsThatFitAMessage() {
        EmbeddedChannel ch = controller(false);
        for (int i = 0; i < 1500; i++) {
            Wire.send(ch, flow(100, Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of(0x0A010000 + i), 32).build(),
                    Action.Output.to(2)));
        }
        List<OfpMessage> parts = exchange(ch, new OfpMultipartRequest(40, 0, MpRequest.Flow.all()));
        assertThat(parts).hasSizeGreaterThan(1).allSatisfy(p -> assertThat(OfpCodec.encode(p).length).isLessThanOrEqualTo(65535));
        List<OfpMultipartReply> replies = parts.stream().map(OfpMultipartReply.class::cast).toList();
        assertThat(replies.subList(0, replies.size() - 1)).allMatch(OfpMultipartReply::hasMore);
        assertThat(replies.get(replies.size() - 1).hasMore()).isFalse();
        assertThat(((MpReply.Flows) OfpMultipartReply.merge(replies).body()).entries()).hasSize(1500);
    }

    @Test
    void slaveIsRefusedChangesAndGetsOnlyPortStatus() {
        EmbeddedChannel ch = controller(true);
        assertThat(exchange(ch, new OfpRoleRequest(1, ControllerRole.SLAVE, 5)))
                .containsExactly(new OfpRoleReply(1, ControllerRole.SLAVE, 5));
        assertThat(exchange(ch, flow(0, Match.ALL, Action.Output.to(PortNo.CONTROLLER)))).singleElement()
                .isInstanceOfSatisfying(OfpError.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.BAD_REQUEST_IS_SLAVE));
        // Reads are allowed.
        assertThat(exchange(ch, new OfpFeaturesRequest(2))).singleElement().isInstanceOf(OfpFeaturesReply.class);

        EmbeddedChannel master = controller(true);
        assertThat(exchange(master, new OfpRoleRequest(3, ControllerRole.MASTER, 6)))
                .containsExactly(new OfpRoleReply(3, ControllerRole.MASTER, 6));
        exchange(master, flow(0, Match.ALL, Action.Output.to(PortNo.CONTROLLER)));
        p1.inject(TestFrames.udp64());
        agent.runUntilQuiet();
        assertThat(Wire.received(master, OfpPacketIn.class)).hasSize(1);
        assertThat(Wire.received(ch)).isEmpty();

        agent.execute(b -> b.portStateChanged(1));
        agent.runUntilQuiet();
        assertThat(Wire.received(ch, OfpPortStatus.class)).hasSize(1);
        assertThat(Wire.received(master, OfpPortStatus.class)).hasSize(1);
    }

    @Test
    void newMasterDemotesTheOldOneAndStaleGenerationIsRefused() {
        EmbeddedChannel a = controller(true);
        EmbeddedChannel b = controller(true);
        assertThat(exchange(a, new OfpRoleRequest(1, ControllerRole.MASTER, 10))).containsExactly(new OfpRoleReply(1, ControllerRole.MASTER, 10));
        assertThat(exchange(b, new OfpRoleRequest(2, ControllerRole.MASTER, 11))).containsExactly(new OfpRoleReply(2, ControllerRole.MASTER, 11));
        assertThat(exchange(a, new OfpRoleRequest(3, ControllerRole.NOCHANGE, 0))).containsExactly(new OfpRoleReply(3, ControllerRole.SLAVE, 11));
        // OF 1.3.5 §6.3.6: generation 9 is older than 11.
        assertThat(exchange(a, new OfpRoleRequest(4, ControllerRole.MASTER, 9))).singleElement()
                .isInstanceOfSatisfying(OfpError.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.ROLE_REQUEST_FAILED_STALE));
        assertThat(exchange(a, new OfpRoleRequest(5, ControllerRole.MASTER, 12))).containsExactly(new OfpRoleReply(5, ControllerRole.MASTER, 12));
        // EQUAL is granted without a generation check.
        assertThat(exchange(b, new OfpRoleRequest(6, ControllerRole.EQUAL, 0))).containsExactly(new OfpRoleReply(6, ControllerRole.EQUAL, 12));
    }

    @Test
    void secureModeChangesNothingWhenTheControllerGoes() {
        EmbeddedChannel ch = controller(true);
        exchange(ch, flow(10, Match.builder().inPort(1).build(), Action.Output.to(2)));
        ch.close();
        agent.runUntilQuiet();
        assertThat(agent.isFailOpen()).isFalse();
        p1.inject(TestFrames.udp64());
        p2.inject(TestFrames.arpReply());
        agent.runUntilQuiet();
        assertThat(p2.drain()).hasSize(1); // the controller's flow still forwards
        assertThat(p1.drain()).isEmpty(); // and a miss is still dropped
    }

    @Test
    void standaloneLearnsWhileNoControllerIsConnected() {
        agent.close();
        events.clear();
        agent = newAgent(FailMode.STANDALONE);
        assertThat(agent.isFailOpen()).isTrue();
        assertThat(events).containsExactly("fail-open true");
        MacAddress a = TestFrames.MAC_A;
        MacAddress b = TestFrames.MAC_B;
        p1.inject(PacketBuilder.ethernet(a, MacAddress.BROADCAST).ipv4(TestFrames.IP_A, TestFrames.IP_B).udp(1, 2).build());
        agent.runUntilQuiet();
        assertThat(p2.drain()).hasSize(1); // flooded
        p2.inject(PacketBuilder.ethernet(b, a).ipv4(TestFrames.IP_B, TestFrames.IP_A).udp(2, 1).build());
        agent.runUntilQuiet();
        assertThat(p1.drain()).hasSize(1); // learned: straight to port 1

        // A passive (management) connection does not end fail-open; an active controller does.
        EmbeddedChannel ofctl = controller(false);
        agent.runUntilQuiet();
        assertThat(agent.isFailOpen()).isTrue();
        EmbeddedChannel ctl = controller(true);
        agent.runUntilQuiet();
        assertThat(agent.isFailOpen()).isFalse();
        p2.inject(PacketBuilder.ethernet(b, a).ipv4(TestFrames.IP_B, TestFrames.IP_A).udp(2, 1).build());
        agent.runUntilQuiet();
        assertThat(p1.drain()).isEmpty(); // the controller installed nothing: a miss is dropped again

        ctl.close();
        agent.runUntilQuiet();
        assertThat(agent.isFailOpen()).isTrue();
        assertThat(events).containsSubsequence("fail-open true", "fail-open false", "fail-open true");
        ofctl.close();
    }
}
