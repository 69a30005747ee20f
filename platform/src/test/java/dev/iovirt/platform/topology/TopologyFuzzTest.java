package dev.iovirt.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates the demo topology at random (fixed seed, so every run tries the same files) and proves that
 * the loader never throws: each mutant is either a valid topology or a list of errors, each with a
 * position inside the file.
 */
class TopologyFuzzTest {
    private static final long SEED = 0x10_7E_57L;
    private static final int CASES = 2_000;
    private static final String ALPHABET = " \t\n:-,[]{}'\"#&*!|>%@`0123456789.abcxyz/\\";

    @Test
    void mutatedDemoNeverThrowsAndEveryErrorHasAPositionInTheFile() {
        String demo = TopologyLoader.builtinText("demo").orElseThrow();
        Random random = new Random(SEED);
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            String mutant = mutate(demo, random);
            LoadResult r;
            try {
                r = TopologyLoader.parse("m.yaml", mutant);
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("case " + i + " threw on:\n" + mutant, e);
            }
            if (r instanceof LoadResult.Rejected rej) {
                rejected++;
                long lines = mutant.lines().count() + 1;
                for (TopologyError e : rej.errors()) {
                    if (e.message().startsWith("internal error")) {
                        fail("case " + i + ": " + e + "\n" + mutant);
                    }
                    assertThat(e.line()).as("case %d: %s", i, e).isBetween(1, (int) lines + 1);
                    assertThat(e.column()).as("case %d: %s", i, e).isPositive();
                    assertThat(e.file()).isEqualTo("m.yaml");
                }
                assertThat(rej.errors()).as("case %d sorted", i).isSorted();
            }
        }
        // Most mutants of a tight file break it; if none did, the mutator would be broken.
        assertThat(rejected).isGreaterThan(CASES / 3);
    }

    @Test
    void mutatedFlowStyleDesignExampleNeverThrows() throws java.io.IOException {
        String text = java.nio.file.Files.readString(TopologyLoaderTest.THREE_TIER);
        Random random = new Random(SEED + 1);
        for (int i = 0; i < CASES / 2; i++) {
            String mutant = mutate(text, random);
            try {
                LoadResult r = TopologyLoader.parse("m.yaml", mutant);
                assertThat(r.errors()).noneMatch(e -> e.message().startsWith("internal error"));
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("case " + i + " threw on:\n" + mutant, e);
            }
        }
    }

    @Test
    void absurdNestingIsAnErrorNotAStackOverflow() {
        for (String text : new String[] {"[".repeat(100_000), "- ".repeat(50_000) + "x", "{a: ".repeat(20_000)}) {
            assertThat(TopologyLoader.parse("deep.yaml", text).errors()).extracting(TopologyError::toString)
                    .containsExactly("deep.yaml:1:1: the file nests lists and mappings thousands of levels deep"
                            + " — a topology needs no more than a few");
        }
    }

    @Test
    void aSelfReferencingAliasIsReadWithoutLooping() {
        LoadResult r = TopologyLoader.parse("a.yaml", "name: x\nhosts: &h [ *h ]\n");
        assertThat(r.errors()).extracting(TopologyError::toString)
                .containsExactly("a.yaml:2:8: host must be a mapping of keys to values, not a list");
    }

    private static String mutate(String text, Random random) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !sb.isEmpty(); e++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, sb.charAt(at)); // duplicate
                case 2 -> sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                default -> {
                    int len = Math.min(1 + random.nextInt(20), sb.length() - at);
                    sb.delete(at, at + len); // delete a run
                }
            }
        }
        return sb.toString();
    }
}
