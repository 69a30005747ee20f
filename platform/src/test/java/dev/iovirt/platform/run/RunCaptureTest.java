package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCaptureTest {
    @TempDir
    Path dir;

    private static Topology pingWithCapture(String capture) throws Exception {
        return TopologyLoader.parse("capture.yaml", """
                name: capture
                hosts: [ { name: hv1 } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: emu, host: hv1, nics: [ { network: lan, model: e1000, ip: 10.0.0.1 } ] }
                  - { name: vio, host: hv1, nics: [ { network: lan, model: virtio, ip: 10.0.0.2 } ] }
                traffic:
                  - ping: { from: emu, to: vio, count: 4, interval: 10ms }
                captures:
                """ + "  - " + capture + "\n").orElseThrow();
    }

    private List<CapturedFrame> runAndRead(Topology t, String file) throws Exception {
        try (TopologyRun run = TopologyRun.build(t, dir)) {
            assertThat(run.run(Duration.ofSeconds(5))).isTrue();
            assertThat(run.captures()).singleElement().satisfies(c -> assertThat(c.error()).isNull());
        }
        try (CaptureReader r = CaptureReader.open(dir.resolve(file))) {
            return r.readAll();
        }
    }

    @Test
    void aFilteredCaptureHoldsTheMatchingFramesBothWaysOnTheVnic() throws Exception {
        List<CapturedFrame> frames = runAndRead(pingWithCapture("{ port: vio.eth0, file: vio.pcapng, filter: icmp }"), "vio.pcapng");
        // Four requests in, four replies out; the ARP exchange is filtered away.
        assertThat(frames).hasSize(8);
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.interfaceName()).isEqualTo("vio.eth0");
            assertThat(f.data()[12]).isEqualTo((byte) 0x08); // IPv4
            assertThat(f.data()[13]).isEqualTo((byte) 0x00);
            assertThat(f.data()[23]).isEqualTo((byte) 1); // ICMP
        });
        assertThat(frames.stream().map(f -> f.data()[34]).toList()).as("ICMP types")
                .containsExactly((byte) 8, (byte) 0, (byte) 8, (byte) 0, (byte) 8, (byte) 0, (byte) 8, (byte) 0);
    }

    @Test
    void anUnfilteredCaptureAlsoHoldsTheArpExchange() throws Exception {
        List<CapturedFrame> frames = runAndRead(pingWithCapture("{ port: emu.eth0, file: emu.pcapng }"), "emu.pcapng");
        assertThat(frames.stream().filter(f -> f.data()[12] == 0x08 && f.data()[13] == 0x06).count()).isGreaterThanOrEqualTo(2);
        assertThat(frames).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void aCaptureInADirectoryThatDoesNotExistIsRefusedAndNothingRuns() throws Exception {
        Topology t = pingWithCapture("{ port: vio.eth0, file: vio.pcapng }");
        Path missing = dir.resolve("no/such/dir");
        assertThatThrownBy(() -> TopologyRun.build(t, missing)).isInstanceOf(IOException.class)
                .hasMessage("capture vio.eth0: cannot create " + missing.resolve("vio.pcapng") + ": no such directory");
    }

    @Test
    @Tag("interop")
    void tsharkReadsTheRunsCaptureAsPingsBetweenTheTwoGuests() throws Exception {
        Path tshark = Peers.require("tshark", "tshark");
        runAndRead(pingWithCapture("{ port: vio.eth0, file: vio.pcapng, filter: icmp }"), "vio.pcapng");
        List<String> rows = Peers.run(30, tshark.toString(), "-r", dir.resolve("vio.pcapng").toString(), "-T", "fields",
                "-E", "separator=|", "-e", "frame.interface_name", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type",
                "-e", "icmp.seq", "-e", "icmp.checksum.status").requireSuccess().stdout().lines().toList();
        assertThat(rows).containsExactly(
                "vio.eth0|10.0.0.1|10.0.0.2|8|0|1", "vio.eth0|10.0.0.2|10.0.0.1|0|0|1",
                "vio.eth0|10.0.0.1|10.0.0.2|8|1|1", "vio.eth0|10.0.0.2|10.0.0.1|0|1|1",
                "vio.eth0|10.0.0.1|10.0.0.2|8|2|1", "vio.eth0|10.0.0.2|10.0.0.1|0|2|1",
                "vio.eth0|10.0.0.1|10.0.0.2|8|3|1", "vio.eth0|10.0.0.2|10.0.0.1|0|3|1");
    }
}
