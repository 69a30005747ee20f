package dev.iovirt.guest.stack;

import static dev.iovirt.guest.stack.StackLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.TcpConnectGenerator;
import dev.iovirt.guest.programs.TcpConnectGenerator.Outcome;
import dev.iovirt.guest.programs.TcpEchoServer;
import dev.iovirt.guest.stack.StackLab.Machine;
import dev.iovirt.guest.stack.StackLab.Record;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.packet.testing.Peers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A capture of two guests' TCP echo connections, read back by tshark with its TCP analysis on. */
@Tag("interop")
class TcpCaptureInteropTest {
    /** Wireshark's expert severities (epan/proto.h): chats and notes are fine, warnings and errors are not. */
    private static final long PI_WARN = 0x00600000;

    @TempDir
    Path dir;

    @Test
    void aCaptureOfTcpEchoConnectionsDissectsWithGoodChecksumsAndNoWarnings() throws Exception {
        Path tshark = Peers.require("tshark", "tshark");
        StackLab lab = new StackLab();
        TcpConnectGenerator[] generator = new TcpConnectGenerator[1];
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            generator[0] = new TcpConnectGenerator(m.stack, Ipv4Address.of("10.0.0.2"), TcpEchoServer.ECHO_PORT, 2, 1, 20_000);
            StackLab.later(m, MS, () -> generator[0].step(m.kernel));
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> new TcpEchoServer(m.stack, TcpEchoServer.ECHO_PORT));
        lab.cable(a, b);
        lab.steps.runUntil(2_000 * MS);
        assertThat(generator[0].results()).extracting(TcpConnectGenerator.Result::outcome).containsOnly(Outcome.COMPLETED);

        Path file = dir.resolve("tcp-echo.pcapng");
        try (PcapngWriter w = PcapngWriter.create(file)) {
            int id = w.addInterface("a.eth0");
            for (Record r : lab.captured) {
                w.write(id, r.nanos(), r.bytes(), 0, r.bytes().length, null);
            }
        }
        List<String> lines = Peers.run(30, tshark.toString(), "-r", file.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "tcp.analyze_sequence_numbers:TRUE",
                "-Y", "tcp", "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "tcp.srcport", "-e", "tcp.flags.str", "-e", "tcp.checksum.status", "-e", "ip.checksum.status",
                "-e", "tcp.options.mss_val", "-e", "_ws.expert.severity").requireSuccess().lines();

        assertThat(lines).hasSize((int) lab.tcpFrames().size());
        assertThat(lines).allSatisfy(l -> {
            String[] f = l.split("\\|", -1);
            assertThat(f[2]).as(l).isEqualTo("1"); // Wireshark's "Good"
            assertThat(f[3]).as(l).isEqualTo("1");
            for (String severity : f[5].split(",")) {
                assertThat(severity.isEmpty() ? 0 : Long.decode(severity)).as(l).isLessThan(PI_WARN);
            }
        });
        // Two handshakes whose SYNs carry MSS 1460, and two orderly closes each way.
        assertThat(lines).filteredOn(l -> l.split("\\|", -1)[1].contains("S")).hasSize(4)
                .allSatisfy(l -> assertThat(l.split("\\|", -1)[4]).isEqualTo("1460"));
        assertThat(lines).filteredOn(l -> l.split("\\|", -1)[1].contains("F")).hasSize(4);
        assertThat(lines).noneMatch(l -> l.split("\\|", -1)[1].contains("R"));
    }
}
