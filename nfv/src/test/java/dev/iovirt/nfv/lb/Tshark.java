package dev.iovirt.nfv.lb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.testing.Peers;

/** Runs tshark over frames a network function made: its field values, and its complaints. Shared by the nfv interop tests. */
public final class Tshark {
    private Tshark() {
    }

    /** Writes {@code frames} to a pcap file in {@code dir}. */
    public static Path pcap(Path dir, List<byte[]> frames) throws IOException {
        Path file = Files.createTempFile(dir, "nfv", ".pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            long t = 1_700_000_000_000_000_000L;
            for (byte[] f : frames) {
                w.write(t, f);
                t += 1_000;
            }
        }
        return file;
    }

    /** One line per frame: the requested fields separated by '|'. */
    public static List<String> fields(String tshark, Path file, String... fields) {
        var cmd = new java.util.ArrayList<>(List.of(tshark, "-r", file.toString(), "-T", "fields", "-E", "separator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        return Peers.run(30, cmd).requireSuccess().lines();
    }

    /** Frames tshark finds malformed or warns about, with IP, UDP, TCP and ICMP checksums checked. */
    public static List<String> problems(String tshark, Path file) {
        return Peers.run(30, tshark, "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                "-Y", "_ws.malformed || _ws.expert.severity >= warning").requireSuccess().lines();
    }
}
