package dev.iovirt.platform.capture;

import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.capture.PcapngWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Merges pcap and pcapng files into one pcapng file in time order, as mergecap does: a k-way merge
 * of the files' frames by timestamp (a tie goes to the file named first, so the merge is stable),
 * each file's own order assumed to be its time order. Every interface of every file becomes one
 * interface of the output, in the order its first frame is written, with its {@code if_name} kept
 * where no interface of an earlier file has it, else renamed {@code FILE:NAME} (a pcap file's one
 * interface, which has no name, is named for its file), and described by where it came from
 * ({@code if_description}: {@code FILE interface N}).
 *
 * <p>Nothing half-written is left: the output is written to a temporary file beside it and moved
 * into place only once every input has been read to its end.
 */
public final class CaptureMerge {
    private CaptureMerge() {
    }

    /** What a merge wrote: frames per output interface name, in order. */
    public record Result(long frames, Map<String, Long> framesByInterface) {
    }

    private record Head(int source, CapturedFrame frame) {
    }

    /**
     * Merges {@code inputs} into {@code output}.
     *
     * @throws IOException naming the file, if an input cannot be read or is corrupt, or the output cannot be written
     */
    public static Result merge(List<Path> inputs, Path output) throws IOException {
        List<CaptureReader> readers = new ArrayList<>();
        Path parent = output.toAbsolutePath().getParent();
        Path temp = null;
        try {
            for (Path in : inputs) {
                readers.add(CaptureReader.open(in));
            }
            if (!Files.isDirectory(parent)) {
                throw new java.nio.file.NoSuchFileException(output.toString(), null, "no such directory");
            }
            temp = parent.resolve("." + output.getFileName() + "." + ProcessHandle.current().pid() + ".part");
            Files.deleteIfExists(temp);
            Result r;
            try (PcapngWriter w = new PcapngWriter(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16),
                    PcapWriter.DEFAULT_SNAPLEN, "iovirt capture --merge")) {
                r = merge(inputs, readers, w);
            }
            Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            return r;
        } finally {
            for (CaptureReader r : readers) {
                r.close();
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static Result merge(List<Path> inputs, List<CaptureReader> readers, PcapngWriter w) throws IOException {
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.frame.timestampNanos() != b.frame.timestampNanos()
                ? Long.compare(a.frame.timestampNanos(), b.frame.timestampNanos()) : Integer.compare(a.source, b.source));
        for (int i = 0; i < readers.size(); i++) {
            CapturedFrame f = readers.get(i).next();
            if (f != null) {
                heads.add(new Head(i, f));
            }
        }
        // (source, interface id, name, link type) → output interface
        Map<List<Object>, Integer> interfaces = new HashMap<>();
        Set<String> names = new HashSet<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> outNames = new ArrayList<>();
        long frames = 0;
        while (!heads.isEmpty()) {
            Head h = heads.poll();
            CapturedFrame f = h.frame;
            List<Object> key = java.util.Arrays.asList(h.source, f.interfaceId(), f.interfaceName(), f.linkType());
            Integer id = interfaces.get(key);
            if (id == null) {
                String file = inputs.get(h.source).getFileName().toString();
                String name = f.interfaceName() != null ? f.interfaceName() : file;
                if (!names.add(name)) {
                    name = file + ":" + name;
                    for (int n = 2; !names.add(name); n++) {
                        name = file + ":" + (f.interfaceName() != null ? f.interfaceName() : "if") + "#" + n;
                    }
                }
                id = w.addInterface(name, inputs.get(h.source) + " interface " + f.interfaceId(), f.linkType());
                interfaces.put(key, id);
                outNames.add(name);
            }
            w.write(id, f.timestampNanos(), f.data(), 0, f.data().length, f.comment());
            counts.merge(outNames.get(id), 1L, Long::sum);
            frames++;
            CapturedFrame next = readers.get(h.source).next();
            if (next != null) {
                heads.add(new Head(h.source, next));
            }
        }
        return new Result(frames, counts);
    }
}
