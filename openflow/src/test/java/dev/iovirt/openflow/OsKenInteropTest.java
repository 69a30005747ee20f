package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.testing.OfpFakeSwitch;
import dev.iovirt.openflow.testing.OsKenApps;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.Peers;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * os-ken (the maintained Ryu) as the controller of {@link OfpFakeSwitch}, a minimal switch made of
 * our Netty pipeline:
 * the handshake it drives (HELLO, FEATURES, PORT_DESC), the table-miss flow it installs, and the
 * PACKET_OUTs and FLOW_MODs of a learning-switch app in answer to our PACKET_INs all decode, and
 * os-ken reads what we send.
 */
@Tag("interop")
class OsKenInteropTest {
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");

    private static OfpFakeSwitch sw;
    private static Process osken;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("osken-manager", "python3-os-ken");
        sw = OfpFakeSwitch.start().onMultipart(r -> r instanceof MpRequest.PortDesc
                ? new MpReply.PortDescs(List.of(Samples.port(1, "p1"), Samples.port(2, "p2")))
                : OfpFakeSwitch.defaultMultipart(r));
        int switchPort = sw.port();
        int listenPort;
        try (ServerSocket s = new ServerSocket(0)) {
            listenPort = s.getLocalPort(); // os-ken also listens; give it a port nobody uses
        }
        dir = Files.createTempDirectory("osken");
        Path app = dir.resolve("learn.py");
        Files.writeString(app, OsKenApps.LEARNING_SWITCH);
        osken = new ProcessBuilder("osken-manager", "--ofp-listen-host", "127.0.0.1", "--ofp-tcp-listen-port",
                Integer.toString(listenPort), "--ofp-switch-address-list", "127.0.0.1:" + switchPort, app.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("osken.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (osken != null) {
            osken.destroy();
            osken.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
        if (sw != null) {
            sw.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The next message os-ken sends of {@code type}, skipping others; on a timeout, os-ken's log. */
    private static <T> T next(Class<T> type) throws Exception {
        try {
            return sw.next(type, Duration.ofSeconds(30));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; os-ken's log:\n" + Files.readString(dir.resolve("osken.log")), e);
        }
    }

    @Test
    void learningSwitchOnOsKenDrivesOurCodec() throws Exception {
        OfpFlowMod tableMiss = next(OfpFlowMod.class);
        assertThat(tableMiss.priority()).isZero();
        assertThat(tableMiss.match()).isEqualTo(Match.ALL);
        assertThat(tableMiss.applyActions()).containsExactly(new Action.Output(PortNo.CONTROLLER, Action.CML_NO_BUFFER));
        List<Channel> connections = sw.connections();
        Channel ch = connections.get(connections.size() - 1); // the one that sent the flow mod, should os-ken have reconnected

        byte[] fromA = PacketBuilder.ethernet(A, MacAddress.BROADCAST).ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.255")).udp(68, 67).build();
        ch.writeAndFlush(new OfpPacketIn(0, BufferId.NO_BUFFER, fromA.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(1).build(), fromA));
        OfpPacketOut flood = next(OfpPacketOut.class);
        assertThat(flood.inPort()).isEqualTo(PortNo.of(1));
        // os-ken fills max_len with OFPCML_MAX (0xffe5) on every output; it only matters for CONTROLLER.
        assertThat(flood.actions()).containsExactly(new Action.Output(PortNo.FLOOD, Action.CML_MAX));
        assertThat(flood.data()).isEqualTo(fromA);

        byte[] fromB = PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.0.0.2"), Ipv4Address.of("10.0.0.1")).udp(67, 68).build();
        ch.writeAndFlush(new OfpPacketIn(0, BufferId.NO_BUFFER, fromB.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(2).build(), fromB));
        OfpFlowMod learned = next(OfpFlowMod.class);
        assertThat(learned.priority()).isEqualTo(1);
        assertThat(learned.match()).isEqualTo(Match.builder().inPort(2).ethDst(A).ethSrc(B).build());
        assertThat(learned.applyActions()).containsExactly(new Action.Output(PortNo.of(1), Action.CML_MAX));
        OfpPacketOut direct = next(OfpPacketOut.class);
        assertThat(direct.actions()).containsExactly(new Action.Output(PortNo.of(1), Action.CML_MAX));
        assertThat(direct.data()).isEqualTo(fromB);
    }
}
