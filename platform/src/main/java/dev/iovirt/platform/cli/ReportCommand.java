package dev.iovirt.platform.cli;

import dev.iovirt.platform.report.ReportRenderer;
import dev.iovirt.platform.run.NotRunnableException;
import dev.iovirt.platform.run.RunReport;
import dev.iovirt.platform.run.TopologyRun;
import dev.iovirt.platform.topology.Topology;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iovirt report SOURCE... -o FILE}: draws run reports ({@code iovirt run --json}, or a
 * topology that it runs first) as charts comparing the I/O paths ({@link ReportRenderer}), into a
 * self-contained HTML page or one PNG image.
 */
@Command(name = "report",
        description = {"Draw the reports of runs as charts comparing the I/O paths (exits per packet by reason,",
                "interrupts and modeled cycles per packet, packets and loss) into an HTML page or a PNG image.",
                "A SOURCE is a run report (iovirt run --json FILE) or a topology, which is run first."},
        mixinStandardHelpOptions = true,
        footer = {"", "Examples:",
                "  iovirt run examples/io-paths.yaml --json io-paths.json && iovirt report io-paths.json -o report.html",
                "  iovirt report examples/io-paths.yaml -o io-paths.png"})
final class ReportCommand implements Callable<Integer> {
    private static final String PREFIX = "iovirt report: ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "A run report (JSON) or a topology (YAML, or a built-in name).")
    List<Path> sources;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "The file to write: FILE.html (a page with the charts and tables) or FILE.png (the charts).")
    Path output;

    @Option(names = "--limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "For a topology: stop after this much virtual time (default: ${DEFAULT-VALUE}).")
    double limitSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        if (!html && !name.endsWith(".png")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o " + output + ": name a .html or a .png file");
        }
        if (!(limitSeconds > 0 && limitSeconds <= 86_400)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be more than 0 and at most 86400 seconds");
        }
        List<RunReport> reports = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path source : sources) {
            RunReport r = read(source, err);
            if (r == null) {
                return Iovirt.EXIT_FAILURE;
            }
            reports.add(r);
            names.add(source.toString());
        }
        ReportRenderer renderer = new ReportRenderer(ReportRenderer.label(names, reports));
        Path dir = output.toAbsolutePath().getParent();
        Path temp = null;
        try {
            if (!Files.isDirectory(dir)) {
                throw new java.nio.file.NoSuchFileException(output.toString(), null, "no such directory");
            }
            temp = dir.resolve("." + output.getFileName() + "." + ProcessHandle.current().pid() + ".part");
            Files.deleteIfExists(temp);
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(temp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE))) {
                if (html) {
                    renderer.writeHtml(o);
                } else {
                    renderer.writePng(o);
                }
            }
            Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            err.println(PREFIX + "writing " + output + ": " + SwitchCommand.describe(e));
            return Iovirt.EXIT_FAILURE;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed; that is the error to report.
                }
            }
        }
        out.println("wrote " + output + ": " + (html ? "4 charts and the figures of " : "4 charts of ") + reports.size() + " report"
                + (reports.size() == 1 ? "" : "s") + " (" + String.join(", ", reports.stream().map(RunReport::topology).toList()) + ")");
        return 0;
    }

    /** The report of {@code source}: read if it is JSON, else the topology run; null after printing why not. */
    private RunReport read(Path source, PrintWriter err) {
        if (Files.isRegularFile(source) && looksLikeJson(source)) {
            try {
                return RunReport.readJson(source);
            } catch (IOException e) {
                err.println(PREFIX + (e instanceof java.nio.file.NoSuchFileException || e instanceof java.nio.file.AccessDeniedException
                        ? SwitchCommand.describe(e) : e.getMessage()));
                return null;
            }
        }
        if (!Files.exists(source) && source.toString().endsWith(".json")) {
            err.println(PREFIX + source + ": no such file");
            return null;
        }
        Topology topology = Topologies.load(source, err, PREFIX).orElse(null);
        if (topology == null) {
            return null;
        }
        try (TopologyRun run = TopologyRun.build(topology.withoutCaptures())) {
            boolean finished = run.run(Duration.ofNanos(Math.round(limitSeconds * 1e9)));
            if (!finished) {
                err.println(PREFIX + source + ": the traffic was not done after " + limitSeconds + " s of virtual time (--limit)");
                return null;
            }
            return RunReport.of(run, true);
        } catch (NotRunnableException e) {
            err.println(PREFIX + topology.name() + " is valid but cannot run in this build: " + String.join("; ", e.reasons()));
            return null;
        } catch (IOException e) {
            err.println(PREFIX + source + ": " + e.getMessage());
            return null;
        }
    }

    /** Whether the file's first non-blank character opens a JSON object (a report), rather than YAML. */
    private static boolean looksLikeJson(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            for (int c; (c = in.read()) != -1; ) {
                if (!Character.isWhitespace(c)) {
                    return c == '{' || c == '[';
                }
            }
            return true; // empty: not a topology either; the JSON reader says so
        } catch (IOException e) {
            return file.toString().endsWith(".json");
        }
    }
}
