package dev.iovirt.packet.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the real peers of interop tests (tshark, ovs-ofctl, os-ken, scapy; see
 * shared/PEERS.md). A test calls {@link #require} first: on a developer machine without the peer
 * the test is skipped with a message saying what to install; under CI (environment CI=true, where
 * .ci/run installs every peer) a missing peer fails the test, so a broken install cannot pass as a
 * skip.
 */
public final class Peers {
    private Peers() {
    }

    /** The path of {@code program} on the PATH, after requiring it as described above. */
    public static Path require(String program, String debianPackage) {
        Path found = which(program);
        if (found == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(program + " is required under CI; .ci/run installs Debian package " + debianPackage);
        }
        assumeTrue(found != null, program + " not found; install Debian package " + debianPackage + " to run this interop test");
        return found;
    }

    /** The program's path on the PATH, or null. */
    public static Path which(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** What a finished peer process printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }

        public List<String> lines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }
    }

    /** Runs a command to completion (at most {@code timeoutSeconds}), capturing both streams. */
    public static Result run(long timeoutSeconds, String... command) {
        return run(timeoutSeconds, List.of(command));
    }

    public static Result run(long timeoutSeconds, List<String> command) {
        try {
            Path out = Files.createTempFile("peer", ".out");
            Path err = Files.createTempFile("peer", ".err");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
