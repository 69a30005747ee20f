package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void theHelloSampleRunsItsPingAndReportsEachVmsCost() {
        CliRunner r = CliRunner.run("run", "../examples/hello.yaml");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("hello: 1 host, 1 network, 2 VMs")
                .contains("  ping alice -> bob: 3 packets transmitted, 3 received, 0% packet loss")
                .containsPattern("(?m)^  alice +virtio +4 +4 +\\d+ +0 ")
                .containsPattern("(?m)^  bob +virtio +4 +4 +\\d+ +0 ");
    }

    @Test
    void jsonReportHasTheDocumentedFieldsForEveryNic() throws Exception {
        Path json = dir.resolve("report.json");
        CliRunner r = CliRunner.run("run", "../examples/io-paths.yaml", "-o", dir.toString(), "--json", json.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("topology").asText()).isEqualTo("io-paths");
        assertThat(report.get("finished").asBoolean()).isTrue();
        assertThat(report.get("nics")).hasSize(6);
        for (JsonNode nic : report.get("nics")) {
            assertThat(nic.fieldNames()).toIterable().contains("vm", "nic", "model", "packets", "lost", "exitsPerPacket",
                    "interruptsPerPacket", "copiesPerPacket", "modeledCyclesPerPacket", "exitsByReason");
            assertThat(nic.get("lost").asLong()).isZero();
        }
        JsonNode emu = report.get("nics").get(0);
        assertThat(emu.get("model").asText()).isEqualTo("e1000");
        // The e1000 receiver's register accesses are EPT violations handled in user space.
        assertThat(emu.get("exitsByReason").get("ept_violation").asLong()).isEqualTo(emu.get("userSpaceExits").asLong()).isPositive();
        assertThat(report.get("traffic").get(1).get("received").asLong()).isEqualTo(1000);
        // Copies host software made: the e1000 model two per frame sent (buffer, assembly) and one per frame
        // received, the virtio backend one each way, none for a VF (the NIC's DMA).
        java.util.Map<String, Double> copies = new java.util.TreeMap<>();
        report.get("paths").forEach(p -> copies.put(p.get("model").asText(), p.get("copiesPerPacket").asDouble()));
        assertThat(copies).containsEntry("virtio", 1.0).containsEntry("sriov-vf", 0.0);
        assertThat(copies.get("e1000")).isStrictlyBetween(1.0, 2.0);
    }

    @Test
    void theDemoIsRefusedWithWhatThisBuildLacks() {
        CliRunner r = CliRunner.run("run", "demo");
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("iovirt run: demo is valid but cannot run in this build:\n")
                .contains("  - appliances and chains need the nfv module, not built yet\n");
    }

    @Test
    void anInvalidFileIsReportedWithLineAndColumnAndNothingRuns() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: x\nhots: []\n");
        CliRunner r = CliRunner.run("run", bad.toString());
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(bad + ":2:1: unknown key 'hots'");
    }

    @Test
    void aMissingFileIsOneLine() {
        Path missing = dir.resolve("missing.yaml");
        CliRunner r = CliRunner.run("run", missing.toString());
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("iovirt run: " + missing + ": no such file or directory\n");
    }

    @Test
    void aLimitThatIsNotPositiveIsAUsageError() {
        CliRunner r = CliRunner.run("run", "--limit", "0", "demo");
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_USAGE);
        assertThat(r.err()).startsWith("iovirt run: --limit must be more than 0");
    }
}
