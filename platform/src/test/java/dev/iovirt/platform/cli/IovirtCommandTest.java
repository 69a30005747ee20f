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
    void noCommandPrintsUsageAndExitsTwo() {
        CliRunner r = CliRunner.run();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: iovirt", "iovirt: no command given");
        assertThat(r.out()).isEmpty();
    }
}
