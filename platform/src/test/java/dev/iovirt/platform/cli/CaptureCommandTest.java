package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.capture.PcapngWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureCommandTest {
    @TempDir
    Path dir;

    private List<CapturedFrame> read(Path file) throws Exception {
        try (CaptureReader r = CaptureReader.open(file)) {
            return r.readAll();
        }
    }

    @Test
    void capturesThePointsOfARunIntoOneFileAndPrintsWhatEachCaptured() throws Exception {
        Path out = dir.resolve("path.pcapng");
        CliRunner r = CliRunner.run("capture", "../examples/two-hosts.yaml", "-p", "web1.eth0", "-p", "hv1:vxlan-hv2",
                "-p", "hv2:underlay", "-w", out.toString(), "-f", "icmp", "-o", dir.toString(), "-q");
        assertThat(r.status()).as(r.err()).isZero();
        // Two pings of 3 through web1; web1's to web2 and web3's to web1 both cross the tunnel.
        // The topology's own capture first, then the one of -p.
        assertThat(r.out()).contains("captures\n  web1.eth0,hv1:vxlan-hv2,hv1:underlay -> " + dir.resolve("two-hosts.pcapng") + ": 36 frames\n")
                .contains("  web1.eth0,hv1:vxlan-hv2,hv2:underlay -> " + out.toAbsolutePath() + ": 36 frames\n"
                + "    web1.eth0: 12 frames\n    hv1:vxlan-hv2: 12 frames\n    hv2:underlay: 12 frames\n");
        assertThat(r.out()).doesNotContain("cycles/packet");
        assertThat(read(out)).hasSize(36);
    }

    @Test
    void anUnknownPointIsAUsageErrorWithASuggestionAndNothingIsWritten() {
        Path out = dir.resolve("x.pcapng");
        CliRunner r = CliRunner.run("capture", "../examples/two-hosts.yaml", "-p", "hv1:vxlan-hv3", "-w", out.toString());
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_USAGE);
        assertThat(r.err()).startsWith("iovirt capture: capture point 'hv1:vxlan-hv3': host 'hv1' has no switch port 'vxlan-hv3'"
                + " — did you mean 'hv1:vxlan-hv2'?\n");
        assertThat(out).doesNotExist();

        CliRunner vm = CliRunner.run("capture", "../examples/two-hosts.yaml", "-p", "wbe1.eth0", "-w", out.toString());
        assertThat(vm.err()).startsWith("iovirt capture: capture point 'wbe1.eth0' names 'wbe1', which is not a defined VM or appliance"
                + " — did you mean 'web1'?");
        assertThat(out).doesNotExist();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        String w = dir.resolve("x.pcapng").toString();
        assertThat(CliRunner.run("capture", "../examples/two-hosts.yaml", "-w", w).err())
                .startsWith("iovirt capture: name at least one capture point with -p");
        assertThat(CliRunner.run("capture", "../examples/two-hosts.yaml", "-p", "web1.eth0", "-w", w, "--ring-files", "3").err())
                .startsWith("iovirt capture: --ring-files and --ring-size go together");
        assertThat(CliRunner.run("capture", "../examples/two-hosts.yaml", "-p", "web1.eth0", "-w", w, "--ring-files", "3",
                "--ring-size", "1KiB").err()).startsWith("iovirt capture: --ring-size 1KiB is too small for a ring file — give at least 4KiB");
        CliRunner filter = CliRunner.run("capture", "../examples/two-hosts.yaml", "-p", "web1.eth0", "-w", w, "-f", "udp prot 53");
        assertThat(filter.status()).isEqualTo(Iovirt.EXIT_USAGE);
        assertThat(filter.err()).startsWith("iovirt capture: bad filter 'udp prot 53'");
        assertThat(CliRunner.run("capture", "-p", "web1.eth0", "-w", w).err()).startsWith("iovirt capture: missing the topology FILE");
        assertThat(Path.of(w)).doesNotExist();
    }

    @Test
    void aRingOfFilesFromTheCommandLine() throws Exception {
        Path out = dir.resolve("ring.pcapng");
        CliRunner r = CliRunner.run("capture", "../examples/io-paths.yaml", "-p", "vio2.eth0", "-w", out.toString(),
                "--ring-files", "2", "--ring-size", "16KiB", "-o", dir.toString(), "-q");
        assertThat(r.status()).as(r.err()).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ring_")).toList()).hasSize(2);
        }
        assertThat(r.out()).containsPattern("vio2.eth0 -> .*ring_\\d{5}\\.pcapng, .*ring_\\d{5}\\.pcapng \\(ring of .*ring.pcapng\\): 10\\d\\d frames");
    }

    @Test
    void mergeWritesTheFramesOfAllFilesInTimeOrderWithAnInterfacePerSource() throws Exception {
        Path a = dir.resolve("a.pcapng");
        Path b = dir.resolve("b.pcap");
        try (PcapngWriter w = PcapngWriter.create(a)) {
            int web1 = w.addInterface("web1.eth0");
            int web2 = w.addInterface("web2.eth0");
            w.write(web1, 1_000, frame(1), 0, 60, null);
            w.write(web2, 3_000, frame(3), 0, 60, null);
            w.write(web1, 5_000, frame(5), 0, 60, null);
        }
        try (PcapWriter w = PcapWriter.create(b)) {
            w.write(2_000, frame(2));
            w.write(4_000, frame(4));
            w.write(6_000, frame(6));
        }
        Path c = dir.resolve("c.pcapng");
        try (PcapngWriter w = PcapngWriter.create(c)) {
            w.write(w.addInterface("web1.eth0"), 3_500, frame(35), 0, 60, null);
        }
        Path out = dir.resolve("out.pcapng");
        CliRunner r = CliRunner.run("capture", "--merge", a.toString(), b.toString(), c.toString(), "-w", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("merged 3 files into " + out + ": 7 frames\n  web1.eth0: 2 frames\n  b.pcap: 3 frames\n"
                + "  web2.eth0: 1 frame\n  c.pcapng:web1.eth0: 1 frame\n");
        List<CapturedFrame> merged = read(out);
        assertThat(merged).extracting(f -> f.data()[59] & 0xFF).containsExactly(1, 2, 3, 35, 4, 5, 6);
        assertThat(merged).extracting(CapturedFrame::timestampNanos).isSorted();
        assertThat(merged).extracting(CapturedFrame::interfaceName)
                .containsExactly("web1.eth0", "b.pcap", "web2.eth0", "c.pcapng:web1.eth0", "b.pcap", "web1.eth0", "b.pcap");
    }

    @Test
    void mergeOfAnUnreadableFileFailsAndWritesNothing() throws Exception {
        Path a = dir.resolve("a.pcapng");
        try (PcapngWriter w = PcapngWriter.create(a)) {
            w.write(w.addInterface("x"), 1, frame(1), 0, 60, null);
        }
        Path corrupt = dir.resolve("corrupt.pcap");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path out = dir.resolve("out.pcapng");
        CliRunner missing = CliRunner.run("capture", "--merge", a.toString(), dir.resolve("nope.pcap").toString(), "-w", out.toString());
        assertThat(missing.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(missing.err()).isEqualTo("iovirt capture: " + dir.resolve("nope.pcap") + ": no such file\n");
        CliRunner bad = CliRunner.run("capture", "--merge", a.toString(), corrupt.toString(), "-w", out.toString());
        assertThat(bad.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(bad.err()).startsWith("iovirt capture: " + corrupt + ": not a pcap or pcapng file");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("a.pcapng", "corrupt.pcap");
        }
        assertThat(CliRunner.run("capture", "--merge", a.toString(), "-w", a.toString()).status()).isEqualTo(Iovirt.EXIT_USAGE);
    }

    /** A 60-byte frame whose last byte is {@code tag}. */
    private static byte[] frame(int tag) {
        byte[] f = new byte[60];
        f[12] = 0x08;
        f[59] = (byte) tag;
        return f;
    }
}
