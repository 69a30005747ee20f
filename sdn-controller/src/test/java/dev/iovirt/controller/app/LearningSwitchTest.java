package dev.iovirt.controller.app;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LearningSwitchTest {
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");
    private ControllerMain controller;
    private FakeSwitch sw;

    @BeforeEach
    void start() throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), "t",
                ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10)));
        sw = new FakeSwitch(0x51, port(1, "p1"), port(2, "p2"), port(3, "p3")).connect(controller.openflowAddress());
    }

    @AfterEach
    void stop() {
        sw.close();
        controller.close();
    }

    private static byte[] frame(MacAddress src, MacAddress dst) {
        return PacketBuilder.ethernet(src, dst).ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2")).udp(1, 2).build();
    }

    private void packetIn(int inPort, byte[] frame, BufferId buffer) {
        sw.send(new OfpPacketIn(0, buffer, frame.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(inPort).build(), frame));
    }

    @Test
    void tableMissEntrySendsEverythingToTheControllerOnConnect() throws Exception {
        OfpFlowMod miss = sw.await(OfpFlowMod.class);
        assertThat(miss.priority()).isEqualTo(LearningSwitch.TABLE_MISS_PRIORITY);
        assertThat(miss.match().isEmpty()).isTrue();
        assertThat(miss.applyActions()).containsExactly(Action.Output.to(PortNo.CONTROLLER));
    }

    @Test
    void unknownDestinationIsFloodedWithThePacket() throws Exception {
        sw.await(OfpFlowMod.class);
        byte[] f = frame(A, B);
        packetIn(1, f, BufferId.NO_BUFFER);
        OfpPacketOut out = sw.await(OfpPacketOut.class);
        assertThat(out.actions()).containsExactly(Action.Output.to(PortNo.FLOOD));
        assertThat(out.inPort()).isEqualTo(PortNo.of(1));
        assertThat(out.data()).isEqualTo(f);
    }

    @Test
    void knownDestinationGetsAFlowWithIdleTimeoutAndThePacketIsSentOut() throws Exception {
        sw.await(OfpFlowMod.class);
        packetIn(2, frame(B, A), BufferId.NO_BUFFER); // learns B on port 2
        sw.await(OfpPacketOut.class);
        byte[] f = frame(A, B);
        packetIn(1, f, BufferId.NO_BUFFER);
        OfpFlowMod fm = sw.await(OfpFlowMod.class, m -> m.priority() == LearningSwitch.FLOW_PRIORITY);
        assertThat(fm.match()).isEqualTo(Match.builder().inPort(1).ethDst(B).ethSrc(A).build());
        assertThat(fm.applyActions()).containsExactly(Action.Output.to(2));
        assertThat(fm.idleTimeout()).isEqualTo(60);
        OfpPacketOut out = sw.await(OfpPacketOut.class);
        assertThat(out.actions()).containsExactly(Action.Output.to(2));
        assertThat(out.data()).isEqualTo(f);
    }

    @Test
    void bufferedPacketIsReleasedByTheFlowModAlone() throws Exception {
        sw.await(OfpFlowMod.class);
        packetIn(2, frame(B, A), BufferId.of(7));
        assertThat(sw.await(OfpPacketOut.class).bufferId()).isEqualTo(BufferId.of(7));
        packetIn(1, frame(A, B), BufferId.of(8));
        OfpFlowMod fm = sw.await(OfpFlowMod.class, m -> m.priority() == LearningSwitch.FLOW_PRIORITY);
        assertThat(fm.bufferId()).isEqualTo(BufferId.of(8));
        sw.barrierRoundTrip();
        assertThat(sw.received()).filteredOn(m -> m instanceof OfpPacketOut).hasSize(1);
    }

    @Test
    void packetForTheInPortIsDropped() throws Exception {
        sw.await(OfpFlowMod.class);
        packetIn(1, frame(B, A), BufferId.NO_BUFFER); // learns B on port 1
        sw.await(OfpPacketOut.class);
        packetIn(1, frame(A, B), BufferId.NO_BUFFER); // B is on port 1 too: nothing to do
        sw.barrierRoundTrip();
        assertThat(sw.received()).filteredOn(m -> m instanceof OfpPacketOut).hasSize(1);
        assertThat(sw.received()).filteredOn(m -> m instanceof OfpFlowMod).hasSize(1);
    }

    @Test
    void macTableGrowsAndForgetsWhenFull() {
        MacTable t = new MacTable(16, 1000);
        for (int i = 0; i < 1000; i++) {
            t.put(i, i % 7 + 1);
        }
        assertThat(t.size()).isEqualTo(1000);
        assertThat(t.get(0)).isEqualTo(1);
        assertThat(t.get(999)).isEqualTo(999 % 7 + 1);
        assertThat(t.get(5000)).isEqualTo(-1);
        t.put(5000, 3);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.get(5000)).isEqualTo(3);
    }
}
