package dev.iovirt.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file under {@code topology/bad/} holds one mistake; its first line says the one error it must
 * give, as {@code # expect: LINE:COLUMN: MESSAGE}.
 */
class BadTopologyFilesTest {
    private static final String EXPECT = "# expect: ";

    static Stream<Path> badFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(BadTopologyFilesTest.class.getResource("/topology/bad").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void eachMistakeGivesExactlyItsErrorAtItsLineAndColumn(Path file) throws IOException {
        String first = Files.readAllLines(file).get(0);
        assertThat(first).as("first line of %s", file.getFileName()).startsWith(EXPECT);
        String name = file.getFileName().toString();

        LoadResult result = TopologyLoader.parse(name, Files.readString(file));

        assertThat(result).isInstanceOf(LoadResult.Rejected.class);
        assertThat(result.errors()).extracting(TopologyError::toString)
                .containsExactly(name + ":" + first.substring(EXPECT.length()));
    }

    @Test
    void thereAreAtLeastTwentyBadFiles() throws IOException, URISyntaxException {
        assertThat(badFiles()).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void errorsAreAllCollectedAndSortedByPosition() {
        String text = """
                name: t
                hosts: [ { name: hv1 } ]
                networks:
                  - { name: web, vni: 1, subnet: 10.0.1.0/24 }
                vms:
                  - { name: b, host: hv9, vcpus: 0, nics: [ { network: web, ip: 10.0.2.1 } ] }
                  - { name: a, host: hv1, memory: 1GB }
                """;
        List<String> errors = TopologyLoader.parse("t.yaml", text).errors().stream().map(TopologyError::toString).toList();
        assertThat(errors).containsExactly(
                "t.yaml:6:22: vm 'b' is on host 'hv9', which is not defined — did you mean 'hv1'?",
                "t.yaml:6:34: vcpus must be between 1 and 64, not 0",
                "t.yaml:6:65: ip 10.0.2.1 of b.eth0 is outside network 'web' (10.0.1.0/24) — use an address in 10.0.1.0/24",
                "t.yaml:7:35: memory '1GB' has an unknown unit 'GB' — sizes are binary: write 1GiB");
    }

    @Test
    void aMisspelledSectionDoesNotCascadeIntoUndefinedReferences() {
        String text = """
                name: t
                hots: [ { name: hv1 } ]
                vms:
                  - { name: a, host: hv1 }
                """;
        assertThat(TopologyLoader.parse("t.yaml", text).errors()).extracting(TopologyError::toString)
                .containsExactly("t.yaml:2:1: unknown key 'hots' — did you mean 'hosts'?");
    }

    @Test
    void unknownKeyWithoutANearOneListsTheValidKeys() {
        String text = "name: t\nhosts: [ { name: hv1, cpu: 4 } ]\n";
        assertThat(TopologyLoader.parse("t.yaml", text).errors()).extracting(TopologyError::toString)
                .containsExactly("t.yaml:2:23: unknown key 'cpu' in a host — valid keys are name, nic");
    }

    @Test
    void notUtf8IsOneErrorAtTheStart() {
        LoadResult r = TopologyLoader.parse("bin.yaml", new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        assertThat(r.errors()).extracting(TopologyError::toString)
                .containsExactly("bin.yaml:1:1: the file is not UTF-8 text — save it as UTF-8");
    }

    @Test
    void rejectedResultThrowsEveryErrorAtOnce() {
        LoadResult r = TopologyLoader.parse("t.yaml", "name: t\nhosts: [ { name: hv1 }, { name: hv1 } ]\nvms: 3\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(r::orElseThrow)
                .isInstanceOf(TopologyException.class)
                .hasMessage("t.yaml:2:33: there are two hosts named 'hv1' (the first at 2:18) — host names must be unique\n"
                        + "t.yaml:3:6: vms must be a list of VMs, not the number 3");
    }
}
