package dev.iovirt.platform.cli;

import dev.iovirt.packet.capture.BpfFilter;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.Dissector;
import dev.iovirt.packet.capture.LinkType;
import dev.iovirt.packet.capture.PacketSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iovirt inspect FILE}: reads a pcap or pcapng file and prints one line per frame, as
 * {@code tcpdump -e -r} does, optionally through a BPF filter and with Pcap4J's full dissection.
 */
@Command(name = "inspect",
        description = {"Print the frames of a pcap or pcapng capture, one line each.",
                "Times are UTC. Frames captured on a named interface (pcapng) show its name."},
        mixinStandardHelpOptions = true)
final class InspectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A pcap or pcapng file.")
    Path file;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF",
            description = "Print only frames that match this filter, in tcpdump syntax (e.g. \"icmp or udp port 53\").")
    String filter;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after printing N frames.")
    Integer count;

    @Option(names = {"-v", "--verbose"}, description = "Follow each line with the full dissection of the frame.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (count != null && count <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be a positive number, not " + count);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(file)) {
            err.println("iovirt inspect: " + file + ": is a directory, not a capture file");
            return Iovirt.EXIT_FAILURE;
        }
        BpfFilter bpf;
        try {
            bpf = filter == null ? null : BpfFilter.compile(filter);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("iovirt inspect: " + e.getMessage());
            return Iovirt.EXIT_FAILURE;
        }
        try (CaptureReader reader = CaptureReader.open(file)) {
            int printed = 0;
            for (CapturedFrame f; (count == null || printed < count) && (f = reader.next()) != null; ) {
                if (bpf != null && f.linkType() == LinkType.ETHERNET && !bpf.matches(f.data(), f.originalLength())) {
                    continue;
                }
                out.println(line(f));
                if (verbose) {
                    out.println(indent(Dissector.dissect(f.data())));
                }
                printed++;
                if (out.checkError()) {
                    return 0; // the reader went away (e.g. "| head"): stop quietly, as Unix tools do
                }
            }
            return 0;
        } catch (NoSuchFileException e) {
            err.println("iovirt inspect: " + file + ": no such file");
        } catch (AccessDeniedException e) {
            err.println("iovirt inspect: " + file + ": permission denied");
        } catch (IOException e) {
            // CaptureFormatException messages already start with the file name.
            String msg = e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e.getMessage() : file + ": " + e.getMessage();
            out.flush();
            err.println("iovirt inspect: " + msg);
        } finally {
            if (bpf != null) {
                bpf.close();
            }
        }
        return Iovirt.EXIT_FAILURE;
    }

    private static String line(CapturedFrame f) {
        if (f.linkType() != LinkType.ETHERNET) {
            return PacketSummary.format(new CapturedFrame(f.interfaceId(), f.interfaceName(), f.linkType(),
                    f.timestampNanos(), new byte[0], 0, null)).replaceFirst(" \\[\\|ether\\] length 0$", "")
                    + " link-type " + f.linkType() + " (not Ethernet), length " + f.originalLength();
        }
        String s = PacketSummary.format(f);
        if (f.interfaceName() != null) {
            int sp = s.indexOf(' ');
            s = s.substring(0, sp) + " " + f.interfaceName() + s.substring(sp);
        }
        return f.comment() != null ? s + "  # " + f.comment() : s;
    }

    private static String indent(String text) {
        return "    " + text.stripTrailing().replace("\n", "\n    ");
    }
}
