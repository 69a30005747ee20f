package dev.iovirt.platform.run;

import dev.iovirt.controller.sfc.SfcApp;
import dev.iovirt.nfv.ApplianceVm;
import dev.iovirt.platform.topology.ChainSpec;
import java.io.IOException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.platform.topology.TrafficSpec;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.vmx.ExitReason;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run gave, as numbers: the report {@code iovirt run} prints and writes as JSON
 * ({@code --json FILE}; the schema is in docs/run-report.md). Per-packet figures are null where a
 * NIC moved no packet.
 *
 * @param topology the topology's name
 * @param virtualSeconds how much virtual time the run took
 * @param finished whether the traffic was done before the limit
 */
public record RunReport(String topology, double virtualSeconds, boolean finished, List<Traffic> traffic,
                        List<Nic> nics, List<Path> paths, List<Capture> captures, List<Appliance> appliances,
                        List<Chain> chains) {
    /**
     * One traffic entry: what was sent and answered or received; for ping, the round trips' percentiles
     * in milliseconds of virtual time (nearest rank; null without replies).
     */
    public record Traffic(String kind, String from, String to, long sent, long received, long lost, String summary,
                          Double rttP50Ms, Double rttP90Ms, Double rttP99Ms, Double rttMaxMs) {
    }

    /**
     * One VM NIC since its guest booted. Packets are counted at the NIC's host side: {@code txPackets}
     * the guest sent, {@code rxPackets} it was given; {@code lost} the frames its port or its declared impairment dropped.
     */
    public record Nic(String vm, String host, String nic, String model, long txPackets, long rxPackets, long packets,
                      long lost, long exits, long userSpaceExits, long interrupts, long modeledCycles,
                      Double exitsPerPacket, Double interruptsPerPacket, Double copiesPerPacket,
                      Double modeledCyclesPerPacket, Map<String, Long> exitsByReason) {
    }

    /** The NICs of one I/O path (model) together. */
    public record Path(String model, long packets, Double exitsPerPacket, Double userSpaceExitsPerPacket,
                       Double interruptsPerPacket, Double copiesPerPacket, Double modeledCyclesPerPacket) {
    }

    /**
     * A capture: its points (joined by commas), its file (for a ring, the name its files are
     * numbered after), the frames written, the files it holds now, the frames of each point, and the
     * error that stopped it.
     */
    public record Capture(String port, String file, long frames, String error, List<String> files, List<Point> points) {
    }

    /** A capture point and the frames it wrote. */
    public record Point(String point, long frames) {
    }

    /**
     * An appliance: its ports as its poll loop counted them, and its function's counters by name
     * (docs/nfv.md).
     */
    public record Appliance(String name, String kind, String host, List<AppliancePort> ports, Map<String, Long> counters) {
    }

    /**
     * One appliance NIC: frames its poll loop took from it, sent by it, and could not send.
     *
     * @param ip its address, or null for a bump in the wire
     */
    public record AppliancePort(String nic, String network, String ip, long rxFrames, long txFrames, long txDropped) {
    }

    /**
     * A chain and, per hop and direction, what the switches counted leaving that appliance (OpenFlow
     * flow statistics of the entries matching the hop's exit port); {@code error} says why the counters
     * could not be read.
     */
    public record Chain(String name, String from, String to, List<Hop> hops, String error) {
    }

    /** One hop of a chain in one direction: the appliance (port pair) and what left it. */
    public record Hop(String appliance, String direction, long packets, long bytes) {
    }

    /** The report of {@code run} as it stands. */
    public static RunReport of(TopologyRun run, boolean finished) {
        List<Traffic> traffic = new ArrayList<>();
        for (TopologyRun.TrafficRun t : run.traffic()) {
            String kind = switch (t.spec()) {
                case TrafficSpec.Ping p -> "ping";
                case TrafficSpec.Udp u -> "udp";
                case TrafficSpec.Tcp c -> "tcp";
            };
            long[] rtts = t.rttNanos();
            traffic.add(new Traffic(kind, t.spec().from(), t.spec().to().toString(), t.sent(), t.received(),
                    Math.max(0, t.sent() - t.received()), t.result(), percentileMs(rtts, 50), percentileMs(rtts, 90),
                    percentileMs(rtts, 99), percentileMs(rtts, 100)));
        }
        List<Nic> nics = new ArrayList<>();
        Map<String, long[]> byPath = new TreeMap<>();
        for (TopologyRun.RunningVm v : run.vms()) {
            PortCounters c = v.port().counters();
            VcpuStats s = v.sinceBoot();
            long packets = c.rxPackets + c.txPackets;
            long interrupts = s.injections + s.postedInterruptsProcessed + s.virtualInterruptsDelivered;
            long cycles = v.cyclesSinceBoot();
            Map<String, Long> reasons = new TreeMap<>();
            for (ExitReason r : ExitReason.values()) {
                long n = s.exits(r);
                if (n != 0) {
                    reasons.put(r.name().toLowerCase(Locale.ROOT), n);
                }
            }
            String model = v.model().yamlName();
            // The port's rx is what the guest sent, its tx what the guest was given.
            nics.add(new Nic(v.name(), v.host(), v.nicName(), model, c.rxPackets, c.txPackets, packets,
                    c.rxDropped + c.txDropped + v.impairmentLost(), s.exits, s.userSpaceExits, interrupts, cycles,
                    perPacket(s.exits, packets), perPacket(interrupts, packets), perPacket(v.copies(), packets),
                    perPacket(cycles, packets), reasons));
            long[] sum = byPath.computeIfAbsent(model, m -> new long[6]);
            sum[0] += packets;
            sum[1] += s.exits;
            sum[2] += s.userSpaceExits;
            sum[3] += interrupts;
            sum[4] += cycles;
            sum[5] += v.copies();
        }
        List<Path> paths = new ArrayList<>();
        byPath.forEach((model, sum) -> paths.add(new Path(model, sum[0], perPacket(sum[1], sum[0]),
                perPacket(sum[2], sum[0]), perPacket(sum[3], sum[0]), perPacket(sum[5], sum[0]), perPacket(sum[4], sum[0]))));
        List<Capture> captures = new ArrayList<>();
        for (TopologyRun.Capture c : run.captures()) {
            captures.add(new Capture(c.port(), c.file().toString(), c.frames(), c.error() == null ? null : c.error().getMessage(),
                    c.files().stream().map(java.nio.file.Path::toString).toList(),
                    c.points().stream().map(p -> new Point(p.name(), p.frames())).toList()));
        }
        List<Appliance> appliances = new ArrayList<>();
        for (RunningAppliance a : run.appliances()) {
            List<AppliancePort> ports = new ArrayList<>();
            for (int i = 0; i < a.nicNames().size(); i++) {
                ApplianceVm.PortCounters c = a.vm().portCounters(i);
                ports.add(new AppliancePort(a.nicNames().get(i), a.network(i), a.ip(i) == null ? null : a.ip(i).toString(),
                        c.rxFrames(), c.txFrames(), c.txDropped()));
            }
            appliances.add(new Appliance(a.name(), a.kind(), a.host(), ports, new TreeMap<>(a.counters())));
        }
        List<Chain> chains = new ArrayList<>();
        for (ChainSpec c : run.topology().chains()) {
            List<Hop> hops = new ArrayList<>();
            String error = null;
            try {
                for (SfcApp.HopCounters h : run.chainCounters(c.name())) {
                    hops.add(new Hop(h.hop().pair(), h.hop().direction().name().toLowerCase(Locale.ROOT), h.packets(), h.bytes()));
                }
            } catch (IOException e) {
                error = e.getMessage();
            }
            chains.add(new Chain(c.name(), c.from(), c.to(), hops, error));
        }
        return new RunReport(run.topology().name(), run.nanos() / 1e9, finished, traffic, nics, paths, captures, appliances, chains);
    }

    /** The nearest-rank percentile {@code p} of sorted {@code nanos}, in milliseconds; null if empty. */
    static Double percentileMs(long[] nanos, int p) {
        if (nanos.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * nanos.length);
        return nanos[Math.max(0, rank - 1)] / 1e6;
    }

    private static Double perPacket(long total, long packets) {
        return packets == 0 ? null : (double) total / packets;
    }

    /**
     * Reads a report that {@link #writeJson} wrote (unknown fields, e.g. of a later version, are
     * skipped).
     *
     * @throws IOException naming the file if it cannot be read, is not JSON (with the line and
     *     column), or is JSON but not a run report
     */
    public static RunReport readJson(java.nio.file.Path file) throws IOException {
        RunReport r;
        try {
            r = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(java.nio.file.Files.readAllBytes(file), RunReport.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new IOException(file + (at != null ? ":" + at.getLineNr() + ":" + at.getColumnNr() : "") + ": not a run report: "
                    + e.getOriginalMessage(), e);
        }
        if (r == null || r.topology() == null || r.nics() == null || r.paths() == null) {
            throw new IOException(file + ": not a run report (no 'topology', 'nics' and 'paths'; write one with iovirt run --json)");
        }
        return new RunReport(r.topology(), r.virtualSeconds(), r.finished(), r.traffic() == null ? List.of() : r.traffic(), r.nics(),
                r.paths(), r.captures() == null ? List.of() : r.captures(), r.appliances() == null ? List.of() : r.appliances(),
                r.chains() == null ? List.of() : r.chains());
    }

    /** Writes the report as indented JSON. */
    public void writeJson(java.nio.file.Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }
}
