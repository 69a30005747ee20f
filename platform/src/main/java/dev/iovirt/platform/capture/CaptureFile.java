package dev.iovirt.platform.capture;

import dev.iovirt.packet.capture.BpfFilter;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.capture.LinkType;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One capture's output: a pcapng file with an interface (IDB) per capture point, named for it
 * ({@code if_name}) and described ({@code if_description}), into which every point writes its
 * frames as they cross it, so that several points make one merged file. With a ring (dumpcap's
 * {@code -b filesize:N -b files:K}), the file is {@code NAME_00001.EXT}, {@code NAME_00002.EXT},
 * ...: once a file has reached the ring's size the next frame starts a new one (with the same
 * interfaces), and the oldest is removed so that at most K remain.
 *
 * <p>Invariant: the frames come in time order. Every point of a run writes on the run's one thread
 * (the step driver's) with the virtual clock, which never goes back, so the order in which frames
 * are written is their time order; {@link Point#record} checks it and counts any frame that would
 * break it instead of writing it out of order ({@link #outOfOrder()}, 0 in every run so far).
 *
 * <p>A write error stops the capture, is kept for the report ({@link #error()}) and never stops the
 * traffic.
 */
public final class CaptureFile implements AutoCloseable {
    private final Path file;
    private final Ring ring;
    private final BpfFilter filter;
    private final LongSupplier clock;
    private final List<Point> points = new ArrayList<>();
    private final Deque<Path> kept = new ArrayDeque<>();
    private final List<Path> removed = new ArrayList<>();
    private PcapngWriter writer;
    private CountingStream bytes;
    private int sequence;
    private boolean full;
    private long frames;
    private long lastTimestamp = Long.MIN_VALUE;
    private long outOfOrder;
    private IOException error;
    private boolean closed;

    /** A ring of {@code files} files of about {@code size} bytes each. */
    public record Ring(int files, long size) {
    }

    /** A capture point of the file: its interface. */
    public final class Point {
        private final String name;
        private final String description;
        private final int interfaceId;
        private long frames;

        private Point(String name, String description, int interfaceId) {
            this.name = name;
            this.description = description;
            this.interfaceId = interfaceId;
        }

        public String name() {
            return name;
        }

        /** Frames of this point written so far. */
        public long frames() {
            return frames;
        }

        /** Writes the frame {@code data[offset, offset + length)} seen now at this point, if it passes the filter. */
        public void record(byte[] data, int offset, int length) {
            record(data, offset, length, -1);
        }

        /**
         * As {@link #record(byte[], int, int)} for a frame that encapsulates another at
         * {@code inner} (an offset into {@code data}; -1 for none): it passes the filter if either
         * frame matches, so that {@code icmp} also keeps the VXLAN datagrams that carry ICMP and
         * {@code udp port 4789} the datagrams themselves.
         */
        public void record(byte[] data, int offset, int length, int inner) {
            if (error != null || closed) {
                return;
            }
            if (filter != null) {
                byte[] exact = offset == 0 && length == data.length ? data : java.util.Arrays.copyOfRange(data, offset, offset + length);
                if (!filter.matches(exact)
                        && (inner < offset || inner >= offset + length || !filter.matches(java.util.Arrays.copyOfRange(data, inner, offset + length)))) {
                    return;
                }
            }
            long now = clock.getAsLong();
            if (now < lastTimestamp) {
                outOfOrder++;
                return;
            }
            lastTimestamp = now;
            try {
                if (full) {
                    rotate();
                }
                writer.write(interfaceId, now, data, offset, length, null);
                frames++;
                CaptureFile.this.frames++;
                full = ring != null && bytes.count >= ring.size();
            } catch (IOException e) {
                error = e;
            } catch (UncheckedIOException e) {
                error = e.getCause();
            }
        }
    }

    private CaptureFile(Path file, Ring ring, BpfFilter filter, LongSupplier clock) {
        this.file = file;
        this.ring = ring;
        this.filter = filter;
        this.clock = clock;
    }

    /**
     * Creates the capture's (first) file.
     *
     * @param ring the ring, or null for one file
     * @param filter the BPF filter every frame must match, or null; the capture closes it
     * @param clock the capture time of a frame, in nanoseconds since the Unix epoch
     * @throws IOException if the file cannot be created (nothing is left open)
     */
    public static CaptureFile create(Path file, Ring ring, BpfFilter filter, LongSupplier clock) throws IOException {
        CaptureFile c = new CaptureFile(file, ring, filter, clock);
        try {
            c.open(c.nextPath());
        } catch (IOException e) {
            if (filter != null) {
                filter.close();
            }
            throw e;
        }
        return c;
    }

    /** Adds the capture point {@code name} as an interface of this file. */
    public Point point(String name, String description) throws IOException {
        Point p = new Point(name, description, points.size());
        int id = writer.addInterface(name, description, LinkType.ETHERNET);
        if (id != p.interfaceId) {
            throw new IllegalStateException("interface " + id + " for point " + p.interfaceId);
        }
        points.add(p);
        return p;
    }

    /** The name of the {@code n}th file of a ring of {@code file}: web1.pcapng → web1_00003.pcapng. */
    public static Path ringFile(Path file, int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return file.resolveSibling(String.format("%s_%05d%s", stem, n, ext));
    }

    private Path nextPath() {
        sequence++;
        return ring == null ? file : ringFile(file, sequence);
    }

    private void open(Path path) throws IOException {
        OutputStream out;
        try {
            out = Files.newOutputStream(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot create " + path + ": no such directory", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot create " + path + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot create " + path + ": " + e.getMessage(), e);
        }
        bytes = new CountingStream(new BufferedOutputStream(out, 1 << 16));
        writer = new PcapngWriter(bytes, PcapWriter.DEFAULT_SNAPLEN, "iovirt");
        kept.addLast(path);
        full = false;
    }

    /** Closes the current file, starts the next with every point's interface, removes the oldest beyond K. */
    private void rotate() throws IOException {
        writer.close();
        open(nextPath());
        for (Point p : points) {
            writer.addInterface(p.name, p.description, LinkType.ETHERNET);
        }
        while (kept.size() > ring.files()) {
            Path old = kept.removeFirst();
            Files.deleteIfExists(old);
            removed.add(old);
        }
    }

    /** The capture as configured: its file, or for a ring the first file's name pattern. */
    public Path file() {
        return file;
    }

    /** The files it holds now, oldest first (one without a ring). */
    public List<Path> files() {
        return List.copyOf(kept);
    }

    /** The ring's files it removed, oldest first. */
    public List<Path> removed() {
        return List.copyOf(removed);
    }

    public List<Point> points() {
        return List.copyOf(points);
    }

    /** Frames written so far (into all its files, those removed included). */
    public long frames() {
        return frames;
    }

    /** Frames not written because their time was before the last one's (see the class's invariant). */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** The write error that stopped the capture, or null. */
    public IOException error() {
        return error;
    }

    /** Whether it has been closed (a stopped capture). */
    public boolean closed() {
        return closed;
    }

    /** Flushes and closes the current file; a frame recorded afterwards is not written. Closing twice does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } finally {
            if (filter != null) {
                filter.close();
            }
        }
    }

    /** Counts the bytes written, for the ring's size. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
