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
    @org.junit.jupiter.api.Timeout(60)
    void keepLeavesTheControllersRestApiUpOnTheTopologysAddressDrivingTheRunUntilStopped() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path topology = dir.resolve("kept.yaml");
        Files.writeString(topology, Files.readString(Path.of("../examples/hello.yaml"))
                .replace("name: hello\n", "name: kept\ncontroller: { openflow: 127.0.0.1:6653, api: 127.0.0.1:" + port + " }\n"));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Iovirt.commandLine(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        RunCommand cmd = cl.getSubcommands().get("run").getCommand();
        cmd.environment = java.util.Map.of("IOVIRT_API_TOKEN", "kept-token");
        var status = CliRunner.inBackground(() -> cl.execute("run", topology.toString(), "--keep", "-q"));
        var run = cmd.kept.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(out.toString()).contains("3 packets transmitted, 3 received")
                .contains("REST API on http://127.0.0.1:" + port + "/api/v1").doesNotContain("API token");

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port + "/api/v1";
        var networks = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/networks")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(networks.statusCode()).isEqualTo(200);
        assertThat(networks.body()).contains("\"name\":\"lan\"").contains("\"vni\":100");
        // A flow read goes to the run's switch over OpenFlow and is answered while the run is kept.
        var flows = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/switches/0000000000000001/flows")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(flows.statusCode()).as(flows.body()).isEqualTo(200);
        assertThat(flows.body()).contains("\"priority\":500");
        assertThat(run.nanos()).as("virtual time goes on").isPositive();

        cmd.stop.stop();
        assertThat(status.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        assertThat(err.toString()).contains("Ctrl-C stops it").endsWith("iovirt run: stopped\n");
    }

    @Test
    void aTopologyThisBuildCannotRunIsRefusedWithEveryReason() throws Exception {
        Path f = dir.resolve("nat.yaml");
        Files.writeString(f, """
                name: nat
                hosts: [ { name: hv1 } ]
                networks:
                  - { name: in, vni: 1, subnet: 10.0.0.0/24 }
                  - { name: out, vni: 2, subnet: 10.0.1.0/24 }
                vms:
                  - { name: a, host: hv1, nics: [ { network: in, ip: 10.0.0.2 } ] }
                appliances:
                  - { name: nat1, kind: nat, inside: in, outside: out }
                """);
        CliRunner r = CliRunner.run("run", f.toString());
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("iovirt run: nat is valid but cannot run in this build:\n")
                .contains("  - appliance nat1: a NAT appliance in a run is not built yet");
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
