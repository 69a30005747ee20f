package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IovirtCommandTest {
    @Test
    void helpListsTheCommands() {
        CliRunner r = CliRunner.run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("Usage: iovirt", "version", "inspect");
    }

    @Test
    void versionNamesReleaseAndRuntime() {
        CliRunner r = CliRunner.run("version");
        assertThat(r.status()).isZero();
        assertThat(r.outLines().get(0)).matches("iovirt \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(r.outLines().get(1)).startsWith("Java " + Runtime.version());
        assertThat(CliRunner.run("--version").out()).isEqualTo(r.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRunner r = CliRunner.run("frobnicate");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'");
    }

    @Test
    void noCommandRunsTheDemoToItsReport() throws java.io.IOException {
        CliRunner r = CliRunner.run();
        // The demo captures into the working directory, as a user's run does.
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("vio1.pcapng"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("demo: 2 hosts, 2 networks, 4 VMs, 2 appliances, 1 chain")
                .contains("ping emu1 -> db1: 3 packets transmitted, 3 received, 0% packet loss",
                        "tcp vio1 -> db1: 8 connections, 8 completed", "front-to-back (front -> back)");
    }
}
