package dev.iovirt.platform.cli;

import dev.iovirt.platform.topology.LoadResult;
import dev.iovirt.platform.topology.TopologyError;
import dev.iovirt.platform.topology.TopologyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code iovirt validate FILE...}: checks topology files without running them. A valid file gets one
 * line on standard output; an invalid one gets every error on standard error as
 * {@code file:line:column: message}, the shape compilers use, so editors can jump to each.
 */
@Command(name = "validate",
        description = {"Check topology files: syntax, keys, types, ranges and cross-references.",
                "Prints 'FILE: ok (...)' for a valid file, else every error as file:line:column: message.",
                "A built-in topology's name (demo) that is not a file checks the built-in one."},
        mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Topology files (YAML), as described in docs/topology.md.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean allValid = true;
        for (Path file : files) {
            String label = file.toString();
            LoadResult result;
            Optional<LoadResult> builtin = Files.exists(file) ? Optional.empty() : TopologyLoader.builtin(label);
            try {
                if (builtin.isPresent()) {
                    result = builtin.get();
                    label += " (built-in)";
                } else if (Files.isDirectory(file)) {
                    err.println("iovirt validate: " + file + ": is a directory, not a topology file");
                    allValid = false;
                    continue;
                } else {
                    result = TopologyLoader.load(file);
                }
            } catch (NoSuchFileException e) {
                err.println("iovirt validate: " + file + ": no such file");
                allValid = false;
                continue;
            } catch (AccessDeniedException e) {
                err.println("iovirt validate: " + file + ": permission denied");
                allValid = false;
                continue;
            } catch (IOException e) {
                err.println("iovirt validate: " + file + ": " + e.getMessage());
                allValid = false;
                continue;
            }
            switch (result) {
                case LoadResult.Loaded l -> out.println(label + ": ok (" + l.topology().summary() + ")");
                case LoadResult.Rejected r -> {
                    out.flush();
                    for (TopologyError e : r.errors()) {
                        err.println(e);
                    }
                    allValid = false;
                }
            }
        }
        return allValid ? 0 : Iovirt.EXIT_FAILURE;
    }
}
