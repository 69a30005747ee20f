package dev.iovirt.platform.cli;

import dev.iovirt.platform.run.NotRunnableException;
import dev.iovirt.platform.topology.LoadResult;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyError;
import dev.iovirt.platform.topology.TopologyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Loading the topology a command is given: a file, or the name of a built-in one ({@code demo}). */
final class Topologies {
    private Topologies() {
    }

    /**
     * The topology of {@code file}, or empty after printing to {@code err} why there is none (the
     * file cannot be read, or each of its mistakes with line and column).
     */
    static Optional<Topology> load(Path file, PrintWriter err, String prefix) {
        Optional<LoadResult> builtin = Files.exists(file) ? Optional.empty() : TopologyLoader.builtin(file.toString());
        LoadResult result;
        try {
            result = builtin.isPresent() ? builtin.get() : TopologyLoader.load(file);
        } catch (IOException e) {
            err.println(prefix + SwitchCommand.describe(e));
            return Optional.empty();
        }
        return switch (result) {
            case LoadResult.Rejected r -> {
                for (TopologyError e : r.errors()) {
                    err.println(e);
                }
                yield Optional.empty();
            }
            case LoadResult.Loaded l -> Optional.of(l.topology());
        };
    }

    /** Says, one reason a line, why {@code topology} cannot run in this build. */
    static void refused(PrintWriter err, String prefix, Topology topology, NotRunnableException e) {
        err.println(prefix + topology.name() + " is valid but cannot run in this build:");
        for (String reason : e.reasons()) {
            err.println("  - " + reason);
        }
    }
}
