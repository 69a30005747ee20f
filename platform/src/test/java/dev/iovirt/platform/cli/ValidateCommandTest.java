package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    static final Path THREE_TIER = Path.of("..", "examples", "three-tier.yaml");
    static final Path HELLO = Path.of("..", "examples", "hello.yaml");

    @TempDir
    Path dir;

    @Test
    void validFilesPrintOkWithTheirCountsAndExitZero() {
        CliRunner r = CliRunner.run("validate", THREE_TIER.toString(), HELLO.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).containsExactly(
                THREE_TIER + ": ok (2 hosts, 3 networks, 4 VMs, 4 appliances, 2 chains)",
                HELLO + ": ok (1 host, 1 network, 2 VMs, 0 appliances, 0 chains)");
    }

    @Test
    void theBuiltinDemoValidatesByName() {
        CliRunner r = CliRunner.run("validate", "demo");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("demo (built-in): ok (2 hosts, 2 networks, 4 VMs, 2 appliances, 1 chain)\n");
    }

    @Test
    void everyErrorGoesToStandardErrorAsFileLineColumnAndExitIsOne() throws IOException {
        Path f = dir.resolve("three-tier.yaml");
        Files.writeString(f, """
                name: three-tier
                hosts: [ { name: hv1 } ]
                hots: []
                networks:
                  - { name: web, vni: 0, subnet: 10.0.1.0/24 }
                """);
        CliRunner r = CliRunner.run("validate", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).containsExactly(
                f + ":3:1: unknown key 'hots' — did you mean 'hosts'?",
                f + ":5:23: vni must be between 1 and 16773119, not 0");
    }

    @Test
    void theDocsExampleOfThreeMistakesPrintsWhatTheDocsSay() throws IOException {
        String text = Files.readString(THREE_TIER).replace("vcpus: 2", "vcpu: 2")
                .replace("{ name: db1,  host: hv2", "{ name: db1,  host: hv3")
                .replace("model: sriov-vf, ip: 10.0.1.12", "model: sriov-vf, ip: 10.0.2.12");
        Path f = dir.resolve("three-tier.yaml");
        Files.writeString(f, text);
        CliRunner r = CliRunner.run("validate", f.toString());
        assertThat(r.status()).isEqualTo(1);
        String shown = r.err().replace(f.toString(), "three-tier.yaml");
        assertThat(Files.readString(Path.of("..", "docs", "topology.md"))).contains("$ ./iovirt validate three-tier.yaml\n" + shown + "$ echo $?");
    }

    @Test
    void aGoodFileStillPrintsOkWhenAnotherFails() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: x\n");
        CliRunner r = CliRunner.run("validate", HELLO.toString(), bad.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.outLines()).containsExactly(HELLO + ": ok (1 host, 1 network, 2 VMs, 0 appliances, 0 chains)");
        assertThat(r.err()).isEqualTo(bad + ":1:1: the topology is missing the required key 'hosts' — list at least one host, e.g. hosts: [ { name: hv1 } ]\n");
    }

    @Test
    void missingFileIsOneLineAndExitOne() {
        Path f = dir.resolve("nope.yaml");
        CliRunner r = CliRunner.run("validate", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("iovirt validate: " + f + ": no such file\n");
    }

    @Test
    void directoryIsRefused() {
        CliRunner r = CliRunner.run("validate", dir.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("iovirt validate: " + dir + ": is a directory, not a topology file\n");
    }

    @Test
    void noFileIsAUsageError() {
        CliRunner r = CliRunner.run("validate");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'FILE'", "Try 'iovirt validate --help'");
    }

    @Test
    void helpListsValidate() {
        assertThat(CliRunner.run("--help").out()).contains("validate");
    }
}
