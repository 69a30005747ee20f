package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.platform.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example of examples/ that this build can run runs to the end with nothing lost. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"hello", "io-paths", "two-hosts", "multi-tenant", "three-tier"})
    void runsToTheEndWithNothingLost(String name) throws Exception {
        try (TopologyRun run = TopologyRun.build(TopologyLoader.load(EXAMPLES.resolve(name + ".yaml")).orElseThrow(), dir)) {
            assertThat(run.run(Duration.ofSeconds(60))).isTrue();
            assertThat(run.traffic()).isNotEmpty().allSatisfy(t -> assertThat(t.received()).as(t.result()).isEqualTo(t.sent()));
        }
    }

    @Test
    void theTenantsShareAddressesAndNeverSeeEachOthersFrames() throws Exception {
        try (TopologyRun run = TopologyRun.build(TopologyLoader.load(EXAMPLES.resolve("multi-tenant.yaml")).orElseThrow(), dir)) {
            assertThat(run.run(Duration.ofSeconds(10))).isTrue();
        }
        assertOnlyTenant("tenant-a.pcapng", "0a");
        assertOnlyTenant("tenant-b.pcapng", "0b");
    }

    /** Every frame of the capture is between the tenant's MACs (02:00:00:00:TT:xx) or broadcast. */
    private void assertOnlyTenant(String file, String tenant) throws Exception {
        List<CapturedFrame> frames;
        try (CaptureReader r = CaptureReader.open(dir.resolve(file))) {
            frames = r.readAll();
        }
        // ARP request and reply, three echo requests and three replies.
        assertThat(frames).hasSize(8);
        HexFormat hex = HexFormat.of();
        for (CapturedFrame f : frames) {
            String dst = hex.formatHex(f.data(), 0, 6);
            String src = hex.formatHex(f.data(), 6, 12);
            assertThat(src).startsWith("02000000" + tenant);
            assertThat(dst).satisfiesAnyOf(d -> assertThat(d).startsWith("02000000" + tenant), d -> assertThat(d).isEqualTo("ffffffffffff"));
        }
    }

    @Test
    void ioPathsOrdersExitsPerPacketE1000ThenVirtioThenVfAndTheVfDataPathHasNoExit() throws Exception {
        RunReport report;
        try (TopologyRun run = TopologyRun.build(TopologyLoader.load(EXAMPLES.resolve("io-paths.yaml")).orElseThrow(), dir)) {
            assertThat(run.run(Duration.ofSeconds(10))).isTrue();
            report = RunReport.of(run, true);
        }
        java.util.Map<String, RunReport.Path> paths = new java.util.HashMap<>();
        report.paths().forEach(p -> paths.put(p.model(), p));
        assertThat(paths.get("e1000").exitsPerPacket()).isGreaterThan(paths.get("virtio").exitsPerPacket());
        assertThat(paths.get("virtio").exitsPerPacket()).isGreaterThan(paths.get("sriov-vf").exitsPerPacket());
        assertThat(paths.get("sriov-vf").userSpaceExitsPerPacket()).isZero();
        // The VFs' exits are the guests' own — idle HLT and the generator's timer (WRMSR) — never a doorbell or MMIO.
        for (RunReport.Nic nic : report.nics()) {
            if (nic.model().equals("sriov-vf")) {
                assertThat(nic.exitsByReason().keySet()).as(nic.vm()).isSubsetOf("hlt", "wrmsr");
                assertThat(nic.packets()).isGreaterThanOrEqualTo(1000);
            } else {
                assertThat(nic.exitsByReason()).as(nic.vm()).containsKey("ept_violation");
            }
        }
    }
}
