package dev.iovirt.platform.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs the command line in-process and keeps what it printed. */
record CliRunner(int status, String out, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Iovirt.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRunner(status, out.toString(), err.toString());
    }

    /**
     * Runs a command that runs until stopped on a thread of its own (not the common pool, which may
     * have a single thread on a small machine); completes with its exit status.
     */
    static CompletableFuture<Integer> inBackground(Supplier<Integer> command) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofPlatform().name("iovirt-command-test").daemon().start(() -> f.complete(command.get()));
        return f;
    }

    List<String> outLines() {
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
