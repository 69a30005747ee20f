package dev.iovirt.platform.cli;

import dev.iovirt.platform.run.NotRunnableException;
import dev.iovirt.platform.run.RunReport;
import dev.iovirt.platform.run.TopologyRun;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.rest.RestApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iovirt run FILE}: runs a topology in this process on virtual time ({@link TopologyRun})
 * until its traffic is done, then prints what each traffic entry gave and what each VM's I/O cost.
 */
@Command(name = "run",
        description = {"Run a topology (docs/topology.md) on virtual time until its traffic is done; print the",
                "traffic's results and, per VM, packets, VM exits, interrupts and modeled cycles.",
                "What a run cannot do yet (appliances and chains, TCP traffic, ...) is refused with the reason."},
        mixinStandardHelpOptions = true,
        footer = {"", "Example:", "  iovirt run examples/io-paths.yaml -o /tmp"})
final class RunCommand implements Callable<Integer> {
    private static final String PREFIX = "iovirt run: ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A topology file, or the name of a built-in one (demo).")
    Path file;

    @Option(names = "--limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "Stop after this much virtual time even if the traffic is not done (default: ${DEFAULT-VALUE}).")
    double limitSeconds;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on a terminal.")
    boolean quiet;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the report as JSON (schema: docs/run-report.md).")
    Path json;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "Where the topology's captures are written (default: the current directory).")
    Path outputDir;

    @Option(names = "--keep",
            description = {"After the traffic and the report, stay up with the controller's REST API on the topology's",
                    "controller api address (token from " + ControllerMain.TOKEN_ENV + ", or generated and printed) until Ctrl-C."})
    boolean keep;

    /** The environment the API token is read from; tests replace it. */
    Map<String, String> environment = System.getenv();
    final UntilStopped stop = new UntilStopped("iovirt-run-shutdown");
    /** Completes with the run once it is kept (--keep), for tests. */
    final CompletableFuture<TopologyRun> kept = new CompletableFuture<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(limitSeconds > 0 && limitSeconds <= 86_400)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be more than 0 and at most 86400 seconds");
        }
        Optional<Topology> loaded = Topologies.load(file, err, PREFIX);
        if (loaded.isEmpty()) {
            return Iovirt.EXIT_FAILURE;
        }
        Topology topology = loaded.get();
        TopologyRun run;
        try {
            TopologyRun.Api api = keep ? new TopologyRun.Api(new InetSocketAddress(topology.controller().api().host(),
                    topology.controller().api().port()), ControllerMain.tokenFrom(environment)) : TopologyRun.Api.ANY;
            run = TopologyRun.build(topology, outputDir, api);
        } catch (NotRunnableException e) {
            Topologies.refused(err, PREFIX, topology, e);
            return Iovirt.EXIT_FAILURE;
        } catch (IOException e) {
            err.println(PREFIX + e.getMessage());
            return Iovirt.EXIT_FAILURE;
        }
        int status = runAndReport(topology, run, out, err);
        if (keep && status == 0) {
            keepUntilStopped(run, out, err);
        }
        try {
            run.close();
        } catch (IOException e) {
            err.println(PREFIX + "closing the captures: " + e.getMessage());
            status = Iovirt.EXIT_FAILURE;
        }
        for (TopologyRun.Capture c : run.captures()) {
            if (c.error() != null) {
                err.println(PREFIX + "capture " + c.port() + ": writing " + c.file() + " failed: " + c.error().getMessage());
                status = Iovirt.EXIT_FAILURE;
            }
        }
        if (keep) {
            err.println(PREFIX + "stopped");
            err.flush();
            stop.cleanedUp();
        }
        return status;
    }

    /** Runs the traffic, prints the report and writes its JSON; 0, or 1 if the traffic did not finish or the JSON was not written. */
    private int runAndReport(Topology topology, TopologyRun run, PrintWriter out, PrintWriter err) {
        out.println(topology.name() + ": " + topology.summary() + "; the switches got their flows from the run's controller");
        out.flush();
        // A live progress line where a person watches (a terminal), not in a pipe or a file.
        boolean live = System.console() != null && !quiet;
        boolean finished = run.run(Duration.ofNanos(Math.round(limitSeconds * 1e9)), r -> {
            if (live) {
                long done = r.traffic().stream().filter(TopologyRun.TrafficRun::done).count();
                long sent = r.traffic().stream().mapToLong(TopologyRun.TrafficRun::sent).sum();
                err.printf(Locale.ROOT, "\r%s%.2f s virtual, traffic %d/%d done, %d sent", PREFIX, r.nanos() / 1e9,
                        done, r.traffic().size(), sent);
                err.flush();
            }
        });
        if (live) {
            err.print("\r\033[K");
            err.flush();
        }
        RunReport report = RunReport.of(run, finished);
        report(report, out);
        out.flush();
        if (json != null) {
            try {
                report.writeJson(json);
            } catch (IOException e) {
                err.println(PREFIX + "writing " + json + ": " + SwitchCommand.describe(e));
                return Iovirt.EXIT_FAILURE;
            }
        }
        if (!finished) {
            err.println(PREFIX + "the traffic was not done after " + limitSeconds + " s of virtual time (--limit)");
            return Iovirt.EXIT_FAILURE;
        }
        return 0;
    }

    /** {@code --keep}: the REST API stays up, virtual time following real time, until Ctrl-C. */
    private void keepUntilStopped(TopologyRun run, PrintWriter out, PrintWriter err) {
        InetSocketAddress a = run.apiAddress();
        out.println();
        out.println("REST API on http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + RestApi.BASE + " (OpenAPI: "
                + RestApi.BASE + "/openapi.yaml)");
        if (run.apiTokenGenerated()) {
            out.println("API token (set " + ControllerMain.TOKEN_ENV + " to choose one): " + run.apiToken());
        }
        out.flush();
        err.println(PREFIX + "kept running with virtual time following real time; Ctrl-C stops it");
        err.flush();
        kept.complete(run);
        stop.run(run::keepRunning);
    }

    /** The traffic's results, the captures, one line per VM NIC and one per I/O path. */
    static void report(RunReport r, PrintWriter out) {
        report(r, out, true);
    }

    /** As {@link #report(RunReport, PrintWriter)}, without the cost tables unless {@code costs}. */
    static void report(RunReport r, PrintWriter out, boolean costs) {
        out.printf(Locale.ROOT, "ran %.3f s of virtual time%n", r.virtualSeconds());
        out.println();
        out.println("traffic");
        for (RunReport.Traffic t : r.traffic()) {
            out.println("  " + t.kind() + " " + t.from() + " -> " + t.to() + ": " + t.summary());
            if (t.rttP50Ms() != null) {
                out.printf(Locale.ROOT, "    rtt p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", t.rttP50Ms(), t.rttP90Ms(),
                        t.rttP99Ms(), t.rttMaxMs());
            }
        }
        if (!r.captures().isEmpty()) {
            out.println();
            out.println("captures");
            for (RunReport.Capture c : r.captures()) {
                String files = c.files().size() == 1 && c.files().get(0).equals(c.file()) ? c.file()
                        : String.join(", ", c.files()) + " (ring of " + c.file() + ")";
                out.println("  " + c.port() + " -> " + files + ": " + frames(c.frames()));
                if (c.points().size() > 1) {
                    for (RunReport.Point p : c.points()) {
                        out.println("    " + p.point() + ": " + frames(p.frames()));
                    }
                }
            }
        }
        if (!r.appliances().isEmpty()) {
            out.println();
            out.println("appliances (frames each NIC's poll loop took and sent; the function's counters that are not 0)");
            for (RunReport.Appliance a : r.appliances()) {
                StringBuilder ports = new StringBuilder();
                for (RunReport.AppliancePort p : a.ports()) {
                    ports.append(ports.isEmpty() ? "" : ", ").append(p.nic()).append(' ').append(p.network())
                            .append(p.ip() == null ? "" : " " + p.ip()).append(" rx ").append(p.rxFrames()).append(" tx ").append(p.txFrames());
                    if (p.txDropped() > 0) {
                        ports.append(" (").append(p.txDropped()).append(" dropped)");
                    }
                }
                out.println("  " + a.name() + " (" + a.kind() + " on " + a.host() + "): " + ports);
                StringBuilder counters = new StringBuilder();
                a.counters().forEach((name, n) -> {
                    if (n != 0) {
                        counters.append(counters.isEmpty() ? "" : ", ").append(name).append(' ').append(n);
                    }
                });
                if (!counters.isEmpty()) {
                    out.println("    " + counters);
                }
            }
        }
        if (!r.chains().isEmpty()) {
            out.println();
            out.println("chains (packets leaving each hop, from the switches' flow statistics)");
            for (RunReport.Chain c : r.chains()) {
                out.println("  " + c.name() + " (" + c.from() + " -> " + c.to() + ")" + (c.error() == null ? "" : ": " + c.error()));
                for (RunReport.Hop h : c.hops()) {
                    out.printf(Locale.ROOT, "    %-8s %-16s %8d packets %10d bytes%n", h.direction(), h.appliance(), h.packets(), h.bytes());
                }
            }
        }
        if (!costs) {
            return;
        }
        out.println();
        out.println("I/O cost per VM since boot (host side: the NIC's port counters, the VM's exits and the cost model;");
        out.println("exits include the guest's timer ticks; round trips show only modeled delays such as e1000's interrupt");
        out.println("throttling: virtual time stands still while packets move)");
        out.printf(Locale.ROOT, "  %-12s %-8s %8s %8s %8s %12s %10s %12s %14s%n",
                "vm", "nic", "tx pkts", "rx pkts", "exits", "user-space", "interrupts", "cycles", "cycles/packet");
        for (RunReport.Nic n : r.nics()) {
            out.printf(Locale.ROOT, "  %-12s %-8s %8d %8d %8d %12d %10d %12d %14s%n", n.vm(), n.model(), n.txPackets(),
                    n.rxPackets(), n.exits(), n.userSpaceExits(), n.interrupts(), n.modeledCycles(),
                    format(n.modeledCyclesPerPacket(), "%.0f"));
        }
        out.println();
        out.println("per packet, by I/O path (every packet a VM of that path sent or received)");
        out.printf(Locale.ROOT, "  %-8s %9s %10s %15s %15s %11s %11s%n", "nic", "packets", "exits/pkt", "user-space/pkt",
                "interrupts/pkt", "copies/pkt", "cycles/pkt");
        for (RunReport.Path p : r.paths()) {
            out.printf(Locale.ROOT, "  %-8s %9d %10s %15s %15s %11s %11s%n", p.model(), p.packets(),
                    format(p.exitsPerPacket(), "%.2f"), format(p.userSpaceExitsPerPacket(), "%.2f"),
                    format(p.interruptsPerPacket(), "%.2f"), format(p.copiesPerPacket(), "%.2f"), format(p.modeledCyclesPerPacket(), "%.0f"));
        }
    }

    private static String frames(long n) {
        return n + " frame" + (n == 1 ? "" : "s");
    }

    private static String format(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }
}
