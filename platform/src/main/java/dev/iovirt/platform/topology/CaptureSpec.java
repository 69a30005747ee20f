package dev.iovirt.platform.topology;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A capture started with the topology: one pcapng file (or a ring of them) with an interface per
 * capture point, the frames of all its points in time order.
 *
 * @param points where it is taken, at least one, each once ({@link CapturePoint})
 * @param file the pcapng file to write, relative to the directory the topology runs in
 * @param filter a BPF expression in tcpdump syntax, already checked to compile, or empty for every packet
 * @param ring rotate through several files instead of one growing file, or empty
 */
public record CaptureSpec(List<CapturePoint> points, String file, Optional<String> filter, Optional<Ring> ring) {
    public CaptureSpec {
        points = List.copyOf(points);
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a capture needs a point");
        }
    }

    /** The capture of one vNIC, as the {@code port} key writes it. */
    public CaptureSpec(String vm, String nic, String file, Optional<String> filter) {
        this(List.of(new CapturePoint.Vnic(vm, nic)), file, filter, Optional.empty());
    }

    /**
     * A ring buffer as dumpcap's {@code -b filesize:N -b files:K}: a new file when the current one
     * reaches {@code size} bytes, the oldest removed so that at most {@code files} remain.
     */
    public record Ring(int files, long size) {
        /** The smallest file size accepted: a file must hold its headers and some frames. */
        public static final long MIN_SIZE = 4096;
        /** The most files a ring keeps (dumpcap's limit is 100 000 too). */
        public static final int MAX_FILES = 100_000;
    }

    /** The capture points as written, joined by commas, e.g. {@code web1.eth0} or {@code web1.eth0,hv1:underlay}. */
    public String port() {
        return points.stream().map(CapturePoint::name).collect(Collectors.joining(","));
    }
}
