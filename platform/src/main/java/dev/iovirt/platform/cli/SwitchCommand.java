package dev.iovirt.platform.cli;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMeterMod;
import dev.iovirt.vswitch.agent.AgentConfig;
import dev.iovirt.vswitch.agent.AgentListener;
import dev.iovirt.vswitch.agent.ControllerTarget;
import dev.iovirt.vswitch.agent.FailMode;
import dev.iovirt.vswitch.agent.SwitchAgent;
import dev.iovirt.vswitch.ofproto.Bridge;
import dev.iovirt.vswitch.port.PcapPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iovirt switch}: one OpenFlow 1.3 switch on its own, managed through a passive listener
 * ({@code ovs-ofctl -O OpenFlow13 dump-flows tcp:127.0.0.1:6634}) and/or active controllers, with
 * ports backed by capture files (frames of an input file enter the port, frames the port sends are
 * written to an output file), as Open vSwitch's dummy ports with rx_pcap/tx_pcap. Runs until
 * interrupted (Ctrl-C); a shutdown hook closes the connections and flushes the files.
 */
@Command(name = "switch",
        description = {"Run one OpenFlow 1.3 switch with pcap-backed ports until interrupted (Ctrl-C).",
                "Manage it with ovs-ofctl through --listen, or let controllers program it (--controller).",
                "Events (listening, controllers connected and lost, replays done) go to standard error."},
        mixinStandardHelpOptions = true,
        footer = {"", "Example:",
                "  iovirt switch --listen 127.0.0.1:6634 --port 1=in.pcap: --port 2=:out.pcap \\",
                "      --replay-after flows &",
                "  ovs-ofctl -O OpenFlow13 add-flow tcp:127.0.0.1:6634 in_port=1,actions=output:2"})
final class SwitchCommand implements Callable<Integer> {
    private static final String PREFIX = "iovirt switch: ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "br0", description = "The bridge's name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--dpid", paramLabel = "DPID", defaultValue = "0x1",
            description = "The datapath ID: 0x and up to 16 hex digits, or 16 hex digits with colons (default: ${DEFAULT-VALUE}).")
    String dpid;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Accept OpenFlow connections here (also PORT or ptcp:PORT[:HOST]), e.g. 127.0.0.1:6634; port 0 picks one.")
    String listen;

    @Option(names = "--controller", paramLabel = "tcp:HOST[:PORT]",
            description = "Keep a connection to this controller, reconnecting with 1-8 s backoff. Repeatable.")
    List<String> controllers = new ArrayList<>();

    @Option(names = "--fail-mode", paramLabel = "MODE", defaultValue = "secure",
            description = "secure: without a controller nothing changes; standalone: without a connected controller "
                    + "the switch learns MACs and forwards as a normal switch (default: ${DEFAULT-VALUE}).")
    String failMode;

    @Option(names = "--port", paramLabel = "N=IN:OUT",
            description = "Port N (named pN): frames of capture IN enter it, frames it sends are written to OUT, "
                    + "which is replaced (pcapng if the name ends in .pcapng, else pcap). Either may be empty. Repeatable.")
    List<String> ports = new ArrayList<>();

    @Option(names = "--replay-after", paramLabel = "WHEN", defaultValue = "start",
            description = "When the input captures are replayed: start; connect (the first connection completes its "
                    + "handshake); flows (a connection that installed flows, groups or meters closes, e.g. once "
                    + "'ovs-ofctl add-flows' is done); "
                    + "or SECONDS after start, e.g. 5 or 5s (default: ${DEFAULT-VALUE}).")
    String replayAfter;

    @Option(names = "--probe-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Echo-probe a silent connection after this long, drop it after as long again (default: ${DEFAULT-VALUE}).")
    int probeSeconds;

    @Option(names = {"-v", "--verbose"}, description = "Also print connections to the listener and every message a controller sends.")
    boolean verbose;

    /** Stops the switch: Ctrl-C, or a test. */
    final UntilStopped stop = new UntilStopped("iovirt-switch-shutdown");
    /** Completes once the switch runs: for tests, which drive it in-process. */
    final CompletableFuture<Running> started = new CompletableFuture<>();

    /** A running switch, as tests see it. */
    record Running(SwitchAgent agent, InetSocketAddress listening, List<PcapPort> ports) {
    }

    private record PortSpec(int number, Path input, Path output) {
    }

    private sealed interface Replay {
        record AtStart() implements Replay {
        }

        record OnConnect() implements Replay {
        }

        record AfterFlows() implements Replay {
        }

        record After(Duration delay) implements Replay {
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        DatapathId id = parseDpid(dpid);
        FailMode mode = parseFailMode(failMode);
        ControllerTarget listenAt = listen == null ? null : target(() -> ControllerTarget.parsePassive(listen), "--listen");
        List<ControllerTarget> targets = new ArrayList<>();
        for (String c : controllers) {
            targets.add(target(() -> ControllerTarget.parseActive(c), "--controller"));
        }
        TreeMap<Integer, PortSpec> specs = new TreeMap<>();
        for (String p : ports) {
            PortSpec s = parsePort(p);
            if (specs.put(s.number(), s) != null) {
                throw usage("--port " + s.number() + " is given twice");
            }
        }
        Set<Path> files = new HashSet<>();
        for (PortSpec s : specs.values()) {
            if (s.input() != null) {
                files.add(s.input().toAbsolutePath().normalize());
            }
        }
        for (PortSpec s : specs.values()) {
            if (s.output() != null && !files.add(s.output().toAbsolutePath().normalize())) {
                throw usage("--port " + s.number() + ": " + s.output() + " is already read or written by another port");
            }
        }
        Replay replay = parseReplay(replayAfter);
        if (probeSeconds <= 0) {
            throw usage("--probe-interval must be a positive number of seconds, not " + probeSeconds);
        }
        if (listenAt == null && targets.isEmpty() && mode == FailMode.SECURE) {
            throw usage("nothing could program this switch: give --listen, --controller or --fail-mode standalone");
        }

        List<PcapPort> opened = new ArrayList<>();
        List<Integer> numbers = List.copyOf(specs.keySet());
        for (PortSpec s : specs.values()) {
            try {
                opened.add(new PcapPort("p" + s.number(), s.input(), s.output()));
            } catch (IOException e) {
                closeAll(opened, err);
                err.println(PREFIX + describe(e));
                return Iovirt.EXIT_FAILURE;
            }
        }

        AtomicBoolean replayStarted = new AtomicBoolean();
        CompletableFuture<SwitchAgent> agentRef = new CompletableFuture<>();
        // Through the mailbox: the replay begins after every controller message already received.
        Runnable startReplay = () -> {
            if (replayStarted.compareAndSet(false, true)) {
                agentRef.thenAccept(a -> a.execute(b -> {
                    for (PcapPort p : opened) {
                        if (p.input() != null) {
                            err.println(PREFIX + "replaying " + p.input() + " into port " + p.name());
                        }
                        p.startReplay();
                    }
                }));
            }
        };
        AgentConfig config = AgentConfig.DEFAULT.withFailMode(mode).withProbeInterval(Duration.ofSeconds(probeSeconds));
        SwitchAgent agent = new SwitchAgent(new Bridge(name, id, System::nanoTime), config,
                new Printer(err, verbose, replay, startReplay, agentRef));
        agentRef.complete(agent);
        boolean running = false;
        try {
            for (int i = 0; i < opened.size(); i++) {
                PcapPort p = opened.get(i);
                agent.addPort(numbers.get(i), p.name(), p);
                p.replayed().whenComplete((n, failure) -> {
                    if (p.input() == null || !replayStarted.get()) {
                        return;
                    }
                    err.println(PREFIX + "port " + p.name() + ": " + (failure != null
                            ? "replay of " + p.input() + " stopped: " + failure.getMessage()
                            : "replayed " + n + " frame" + (n == 1 ? "" : "s") + " from " + p.input()));
                });
            }
            agent.start();
            InetSocketAddress bound = null;
            if (listenAt != null) {
                try {
                    bound = agent.listen(listenAt);
                } catch (IOException e) {
                    err.println(PREFIX + e.getMessage());
                    return Iovirt.EXIT_FAILURE;
                }
            }
            for (ControllerTarget t : targets) {
                agent.connect(t);
            }
            err.println(PREFIX + name + " (dpid " + id + ", fail mode " + mode.name().toLowerCase(Locale.ROOT) + ") runs with "
                    + opened.size() + " port" + (opened.size() == 1 ? "" : "s") + "; Ctrl-C stops it");
            switch (replay) {
                case Replay.AtStart a -> startReplay.run();
                // Its own thread, not the common pool, which may be busy (or a single thread) in an embedding program.
                case Replay.After a -> CompletableFuture.delayedExecutor(a.delay().toMillis(), TimeUnit.MILLISECONDS,
                        r -> Thread.ofVirtual().name("iovirt-switch-replay").start(r)).execute(startReplay);
                default -> { }
            }
            running = true;
            started.complete(new Running(agent, bound, List.copyOf(opened)));
            stop.await();
            return 0;
        } finally {
            agent.close();
            if (running) {
                for (PcapPort p : opened) {
                    err.println(PREFIX + "port " + p.name() + ": " + p.counters()
                            + (p.writeError() != null ? "; writing " + p.output() + " failed: " + p.writeError().getMessage() : ""));
                }
            }
            closeAll(opened, err);
            if (running) {
                err.println(PREFIX + "stopped");
            }
            err.flush();
            started.completeExceptionally(new IllegalStateException("the switch did not start"));
            stop.cleanedUp();
        }
    }

    private static void closeAll(List<PcapPort> ports, PrintWriter err) {
        for (PcapPort p : ports) {
            try {
                p.close();
            } catch (IOException e) {
                err.println(PREFIX + "closing " + p.output() + ": " + describe(e));
            }
        }
    }

    /** An I/O error as one line naming the file. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + (n.getReason() != null ? ": " + n.getReason() : ": no such file or directory");
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private ControllerTarget target(Supplier<ControllerTarget> parse, String option) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw usage(option + " " + e.getMessage());
        }
    }

    private DatapathId parseDpid(String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                String hex = text.substring(2);
                if (hex.isEmpty() || hex.length() > 16) {
                    throw new IllegalArgumentException();
                }
                return DatapathId.of(Long.parseUnsignedLong(hex, 16));
            }
            if (text.replace(":", "").length() != 16) {
                throw new IllegalArgumentException();
            }
            return DatapathId.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("--dpid '" + text + "' is not a datapath ID (0x and up to 16 hex digits, or 16 hex digits with colons)");
        }
    }

    private FailMode parseFailMode(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "secure" -> FailMode.SECURE;
            case "standalone" -> FailMode.STANDALONE;
            default -> throw usage("--fail-mode '" + text + "' is not secure or standalone");
        };
    }

    private PortSpec parsePort(String text) {
        int eq = text.indexOf('=');
        int colon = text.indexOf(':', eq + 1);
        if (eq <= 0 || colon < 0) {
            throw usage("--port '" + text + "' is not N=IN:OUT (IN or OUT may be empty, e.g. 1=in.pcap: or 2=:out.pcap)");
        }
        int number;
        try {
            number = Integer.parseInt(text.substring(0, eq));
        } catch (NumberFormatException e) {
            number = -1;
        }
        // OF 1.3.5 §7.2.1: OFPP_MAX (0xffffff00) is the last physical port number; we keep to 16 bits.
        if (number < 1 || number > 0xFEFF) {
            throw usage("--port '" + text + "': the port number must be 1..65279");
        }
        String in = text.substring(eq + 1, colon);
        String out = text.substring(colon + 1);
        if (in.isEmpty() && out.isEmpty()) {
            throw usage("--port '" + text + "' names neither an input nor an output capture");
        }
        if (!in.isEmpty() && in.equals(out)) {
            throw usage("--port '" + text + "' reads and writes the same file");
        }
        return new PortSpec(number, in.isEmpty() ? null : Path.of(in), out.isEmpty() ? null : Path.of(out));
    }

    private Replay parseReplay(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "start", "0", "0s" -> {
                return new Replay.AtStart();
            }
            case "connect" -> {
                return new Replay.OnConnect();
            }
            case "flows" -> {
                return new Replay.AfterFlows();
            }
            default -> {
                String n = text.endsWith("s") ? text.substring(0, text.length() - 1) : text;
                try {
                    double seconds = Double.parseDouble(n);
                    if (seconds > 0 && seconds <= 86_400) {
                        return new Replay.After(Duration.ofMillis(Math.round(seconds * 1000)));
                    }
                } catch (NumberFormatException e) {
                    // below
                }
                throw usage("--replay-after '" + text + "' is not start, connect, flows or a number of seconds (up to 86400)");
            }
        }
    }

    /** One line per agent event on standard error; also fires the replay on connect or after flows. */
    private static final class Printer implements AgentListener {
        private final PrintWriter err;
        private final boolean verbose;
        private final Replay replay;
        private final Runnable startReplay;
        private final CompletableFuture<SwitchAgent> agent;
        /** Peers that sent a flow, group or meter mod (written on the switch thread). */
        private final Set<String> programmers = ConcurrentHashMap.newKeySet();

        Printer(PrintWriter err, boolean verbose, Replay replay, Runnable startReplay, CompletableFuture<SwitchAgent> agent) {
            this.err = err;
            this.verbose = verbose;
            this.replay = replay;
            this.startReplay = startReplay;
            this.agent = agent;
        }

        @Override
        public void listening(InetSocketAddress address) {
            String at = address.getAddress().getHostAddress() + ":" + address.getPort();
            err.println(PREFIX + "listening on " + at + " (ovs-ofctl -O OpenFlow13 show tcp:" + at + ")");
        }

        @Override
        public void connected(String peer, boolean active) {
            // ovs-ofctl opens up to three connections per command: management sessions are told only with -v.
            if (active || verbose) {
                err.println(PREFIX + (active ? "connected to controller " : "connection from ") + peer);
            }
            if (replay instanceof Replay.OnConnect) {
                startReplay.run();
            }
        }

        @Override
        public void disconnected(String peer, boolean active, String reason) {
            if (active || verbose) {
                err.println(PREFIX + "disconnected: " + peer + " (" + reason + ")");
            }
            if (replay instanceof Replay.AfterFlows) {
                // Through the mailbox, behind every message the peer sent: were flows among them?
                agent.thenAccept(a -> a.execute(b -> {
                    if (programmers.contains(peer)) {
                        startReplay.run();
                    }
                }));
            }
        }

        @Override
        public void connectFailed(String target, String reason, Duration retryIn) {
            err.println(PREFIX + target + ": " + reason + "; retrying in " + retryIn.toMillis() / 1000.0 + " s");
        }

        @Override
        public void failOpen(boolean active) {
            err.println(PREFIX + (active ? "fail-open: no controller connected, forwarding as a learning switch"
                    : "fail-open ended: a controller is connected"));
        }

        @Override
        public void handled(String peer, OfpMessage message) {
            if (message instanceof OfpFlowMod || message instanceof OfpGroupMod || message instanceof OfpMeterMod) {
                programmers.add(peer);
            }
            if (verbose) {
                err.println(PREFIX + peer + ": " + message);
            }
        }

        @Override
        public void warning(String message) {
            err.println(PREFIX + "warning: " + message);
        }
    }
}
