package dev.iovirt.platform.cli;

import dev.iovirt.packet.capture.BpfFilter;
import dev.iovirt.platform.capture.CaptureMerge;
import dev.iovirt.platform.run.NotRunnableException;
import dev.iovirt.platform.run.RunReport;
import dev.iovirt.platform.run.TopologyRun;
import dev.iovirt.platform.topology.CapturePoint;
import dev.iovirt.platform.topology.CaptureSpec;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.Units;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iovirt capture TOPOLOGY -p POINT... -w FILE}: runs a topology as {@code iovirt run} does
 * with one more capture (its points merged into one pcapng file, or a ring of files), and prints
 * what each point captured; {@code iovirt capture --merge FILE... -w OUT}: merges capture files in
 * time order, as mergecap does ({@link CaptureMerge}).
 */
@Command(name = "capture",
        description = {"Run a topology with a capture at the given points (VM.NIC, HOST:PORT, HOST:underlay;",
                "docs/capture.md) written to one pcapng file or a ring of files, and print what each point captured;",
                "or, with --merge, merge pcap/pcapng files into one pcapng file in time order."},
        mixinStandardHelpOptions = true,
        footer = {"", "Examples:",
                "  iovirt capture examples/two-hosts.yaml -p web1.eth0 -p hv1:vxlan-hv2 -p hv1:underlay -w path.pcapng -f icmp",
                "  iovirt capture examples/io-paths.yaml -p vio2.eth0 -w vio2.pcapng --ring-files 4 --ring-size 64KiB",
                "  iovirt capture --merge a.pcapng b.pcap -w both.pcapng"})
final class CaptureCommand implements Callable<Integer> {
    private static final String PREFIX = "iovirt capture: ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "A topology file (or a built-in one's name); with --merge, the capture files to merge.")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-p", "--point"}, paramLabel = "POINT", description = "A capture point (repeatable): VM.NIC, HOST:PORT or HOST:underlay.")
    List<String> points = new ArrayList<>();

    @Option(names = {"-w", "--write"}, paramLabel = "FILE", required = true, description = "The pcapng file to write.")
    Path write;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF", description = "Only frames matching this filter (tcpdump syntax).")
    String filter;

    @Option(names = "--ring-files", paramLabel = "K", description = "A ring buffer of K files (with --ring-size): FILE_00001.pcapng, ...")
    Integer ringFiles;

    @Option(names = "--ring-size", paramLabel = "SIZE", description = "Start a new ring file once one has reached SIZE (e.g. 1MiB).")
    String ringSize;

    @Option(names = "--limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "Stop after this much virtual time even if the traffic is not done (default: ${DEFAULT-VALUE}).")
    double limitSeconds;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "Where the topology's own captures are written (default: the current directory).")
    Path outputDir;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on a terminal.")
    boolean quiet;

    @Option(names = "--merge", description = "Merge the FILEs (pcap or pcapng) into -w in time order instead of running a topology.")
    boolean merge;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return merge ? merge(out, err) : capture(out, err);
    }

    private Integer merge(PrintWriter out, PrintWriter err) {
        if (files.isEmpty()) {
            throw usage("--merge needs the capture files to merge");
        }
        if (!points.isEmpty() || filter != null || ringFiles != null || ringSize != null) {
            throw usage("--merge takes only the files to merge and -w; -p, -f and --ring-* are for a capture of a topology");
        }
        if (files.stream().anyMatch(f -> f.toAbsolutePath().normalize().equals(write.toAbsolutePath().normalize()))) {
            throw usage("-w " + write + " is also one of the files to merge — write the merge to a new file");
        }
        CaptureMerge.Result r;
        try {
            r = CaptureMerge.merge(files, write);
        } catch (IOException e) {
            err.println(PREFIX + SwitchCommand.describe(e));
            return Iovirt.EXIT_FAILURE;
        }
        out.println("merged " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " into " + write + ": " + frames(r.frames()));
        for (Map.Entry<String, Long> e : r.framesByInterface().entrySet()) {
            out.println("  " + e.getKey() + ": " + frames(e.getValue()));
        }
        return 0;
    }

    private Integer capture(PrintWriter out, PrintWriter err) {
        if (files.size() != 1) {
            throw usage(files.isEmpty() ? "missing the topology FILE" : "one topology FILE, not " + files.size() + " (to merge files, add --merge)");
        }
        if (points.isEmpty()) {
            throw usage("name at least one capture point with -p (VM.NIC, HOST:PORT or HOST:underlay)");
        }
        if (!(limitSeconds > 0 && limitSeconds <= 86_400)) {
            throw usage("--limit must be more than 0 and at most 86400 seconds");
        }
        if ((ringFiles == null) != (ringSize == null)) {
            throw usage("--ring-files and --ring-size go together");
        }
        Optional<CaptureSpec.Ring> ring = Optional.empty();
        if (ringFiles != null) {
            if (ringFiles < 2 || ringFiles > CaptureSpec.Ring.MAX_FILES) {
                throw usage("--ring-files must be between 2 and " + CaptureSpec.Ring.MAX_FILES + ", not " + ringFiles);
            }
            long size;
            try {
                size = Units.size("--ring-size", ringSize);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (size < CaptureSpec.Ring.MIN_SIZE) {
                throw usage("--ring-size " + ringSize + " is too small for a ring file — give at least " + Units.formatSize(CaptureSpec.Ring.MIN_SIZE));
            }
            ring = Optional.of(new CaptureSpec.Ring(ringFiles, size));
        }
        if (filter != null) {
            try {
                BpfFilter.compile(filter).close();
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        Topology topology = Topologies.load(files.get(0), err, PREFIX).orElse(null);
        if (topology == null) {
            return Iovirt.EXIT_FAILURE;
        }
        CapturePoint.Inventory inventory = CapturePoint.Inventory.of(topology);
        List<CapturePoint> parsed = new ArrayList<>();
        for (String p : new LinkedHashSet<>(points)) {
            String problem = CapturePoint.problem(p, inventory);
            if (problem != null) {
                throw usage(problem);
            }
            parsed.add(CapturePoint.parse(p));
        }
        if (Files.isDirectory(write)) {
            throw usage("-w " + write + " is a directory — name the pcapng file to write");
        }
        String file = write.toAbsolutePath().toString();
        if (topology.captures().stream().anyMatch(c -> outputDir.toAbsolutePath().resolve(c.file()).normalize().equals(write.toAbsolutePath().normalize()))) {
            throw usage("-w " + write + " is a file the topology's own captures write — choose another");
        }
        CaptureSpec capture = new CaptureSpec(parsed, file, Optional.ofNullable(filter), ring);
        return run(topology.withCaptures(List.of(capture)), out, err);
    }

    /** Runs {@code topology} as {@code iovirt run} does and prints the traffic and the captures; the exit status. */
    private int run(Topology topology, PrintWriter out, PrintWriter err) {
        TopologyRun run;
        try {
            run = TopologyRun.build(topology, outputDir);
        } catch (NotRunnableException e) {
            Topologies.refused(err, PREFIX, topology, e);
            return Iovirt.EXIT_FAILURE;
        } catch (IOException e) {
            err.println(PREFIX + e.getMessage());
            return Iovirt.EXIT_FAILURE;
        }
        int status = 0;
        try (run) {
            out.println(topology.name() + ": " + topology.summary());
            out.flush();
            boolean live = System.console() != null && !quiet;
            boolean finished = run.run(Duration.ofNanos(Math.round(limitSeconds * 1e9)), r -> {
                if (live) {
                    err.printf(Locale.ROOT, "\r%s%.2f s virtual, %d frames captured", PREFIX, r.nanos() / 1e9,
                            r.captures().stream().mapToLong(TopologyRun.Capture::frames).sum());
                    err.flush();
                }
            });
            if (live) {
                err.print("\r\033[K");
                err.flush();
            }
            RunCommand.report(RunReport.of(run, finished), out, false);
            if (!finished) {
                err.println(PREFIX + "the traffic was not done after " + limitSeconds + " s of virtual time (--limit)");
                status = Iovirt.EXIT_FAILURE;
            }
        } catch (IOException e) {
            err.println(PREFIX + "closing the captures: " + e.getMessage());
            return Iovirt.EXIT_FAILURE;
        }
        for (TopologyRun.Capture c : run.captures()) {
            if (c.error() != null) {
                err.println(PREFIX + "capture " + c.port() + ": writing " + c.file() + " failed: " + c.error().getMessage());
                status = Iovirt.EXIT_FAILURE;
            }
        }
        return status;
    }

    private static String frames(long n) {
        return n + " frame" + (n == 1 ? "" : "s");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
