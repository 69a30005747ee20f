package dev.iovirt.platform.cli;

import dev.iovirt.platform.run.NotRunnableException;
import dev.iovirt.platform.run.PacketTrace;
import dev.iovirt.platform.topology.Topology;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iovirt trace FILE --from A --to B --udp --dport N}: one packet's path through a topology,
 * layer by layer, with what each step charged ({@link PacketTrace}).
 */
@Command(name = "trace",
        description = {"Trace one packet from a VM to another through a topology: the guest's driver and the device",
                "(VM exits by reason, interrupts, modeled cycles), the switches' caches and OpenFlow tables,",
                "the VXLAN tunnel, the VT-d unit, the receiving guest; with the counters each step charges."},
        mixinStandardHelpOptions = true,
        footer = {"", "Example:", "  iovirt trace examples/two-hosts.yaml --from web1 --to db1 --udp --dport 5432"})
final class TraceCommand implements Callable<Integer> {
    private static final String PREFIX = "iovirt trace: ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A topology file, or the name of a built-in one (demo).")
    Path file;

    @Option(names = "--from", required = true, paramLabel = "VM", description = "The VM that sends the packet.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "VM", description = "The VM the packet is for.")
    String to;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Kind kind = new Kind();

    static final class Kind {
        @Option(names = "--udp", description = "A UDP datagram (the default).")
        boolean udp;

        @Option(names = "--icmp", description = "An ICMP echo request, and its reply.")
        boolean icmp;
    }

    @Option(names = "--dport", paramLabel = "PORT", defaultValue = "9000", description = "UDP destination port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", description = "UDP frame size in bytes, 64 to 1518 (default: ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 1 || port > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dport must be 1 to 65535");
        }
        if (size < 64 || size > 1518) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be 64 to 1518 bytes");
        }
        Optional<Topology> topology = Topologies.load(file, err, PREFIX);
        if (topology.isEmpty()) {
            return Iovirt.EXIT_FAILURE;
        }
        PacketTrace.Protocol protocol = kind.icmp ? PacketTrace.Protocol.ICMP : PacketTrace.Protocol.UDP;
        PacketTrace.Result result;
        try {
            result = PacketTrace.trace(topology.get(), new PacketTrace.Probe(from, to, protocol, port, size));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (NotRunnableException e) {
            Topologies.refused(err, PREFIX, topology.get(), e);
            return Iovirt.EXIT_FAILURE;
        } catch (IOException e) {
            err.println(PREFIX + e.getMessage());
            return Iovirt.EXIT_FAILURE;
        }
        out.print(result.format());
        out.flush();
        return result.delivered() ? 0 : Iovirt.EXIT_FAILURE;
    }
}
