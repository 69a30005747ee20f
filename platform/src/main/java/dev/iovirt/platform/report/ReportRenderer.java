package dev.iovirt.platform.report;

import dev.iovirt.platform.run.RunReport;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws run reports as the charts that compare the I/O paths, and writes them as an HTML page or a
 * PNG image. Every chart has one category per VM NIC (or per I/O path) of every report, labeled
 * {@code vm (model)} and, when there are several reports, prefixed with the report's topology:
 * <ol>
 *   <li>exits per packet by NIC, stacked by exit reason (the JSON's {@code exitsByReason} divided by
 *       the NIC's packets);
 *   <li>interrupts per packet by I/O path;
 *   <li>modeled cycles per packet by I/O path;
 *   <li>packets and packets lost by NIC.
 * </ol>
 * A figure that is null in the report (a NIC that moved no packet) is drawn as 0 and shown as "-" in
 * the tables. Rendering is headless (no display is needed).
 */
public final class ReportRenderer {
    /** One chart's size in pixels. */
    static final int WIDTH = 800;
    static final int HEIGHT = 480;

    /** A report and the name it is shown by (its topology, or its file when two share a topology). */
    public record Source(String label, RunReport report) {
    }

    private final List<Source> sources;

    public ReportRenderer(List<Source> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no report to draw");
        }
        this.sources = List.copyOf(sources);
        System.setProperty("java.awt.headless", "true");
    }

    private String prefix(Source s) {
        return sources.size() > 1 ? s.label() + ": " : "";
    }

    /** The four comparison charts, in the order the class describes. */
    public List<CategoryChart> charts() {
        List<String> nicLabels = new ArrayList<>();
        List<String> pathLabels = new ArrayList<>();
        Set<String> reasons = new LinkedHashSet<>();
        for (Source s : sources) {
            for (RunReport.Nic n : s.report().nics()) {
                nicLabels.add(prefix(s) + n.vm() + " (" + n.model() + ")");
                if (n.exitsByReason() != null) {
                    reasons.addAll(n.exitsByReason().keySet());
                }
            }
            for (RunReport.Path p : s.report().paths()) {
                pathLabels.add(prefix(s) + p.model());
            }
        }
        List<String> sortedReasons = reasons.stream().sorted().toList();

        CategoryChart exits = chart("VM exits per packet, by exit reason", "VM NIC", "exits / packet");
        exits.getStyler().setStacked(true);
        for (String reason : sortedReasons) {
            List<Double> values = new ArrayList<>();
            for (Source s : sources) {
                for (RunReport.Nic n : s.report().nics()) {
                    Long count = n.exitsByReason() == null ? null : n.exitsByReason().get(reason);
                    values.add(count == null || n.packets() == 0 ? 0.0 : (double) count / n.packets());
                }
            }
            exits.addSeries(reason, nicLabels, values);
        }
        if (sortedReasons.isEmpty()) {
            exits.addSeries("exits", nicLabels, nicLabels.stream().map(l -> 0.0).toList());
        }

        CategoryChart interrupts = chart("Interrupts per packet, by I/O path", "I/O path", "interrupts / packet");
        interrupts.addSeries("interrupts / packet", pathLabels, pathValues(p -> p.interruptsPerPacket()));
        interrupts.getStyler().setLegendVisible(false);
        CategoryChart cycles = chart("Modeled cycles per packet, by I/O path", "I/O path", "cycles / packet");
        cycles.addSeries("cycles / packet", pathLabels, pathValues(p -> p.modeledCyclesPerPacket()));
        cycles.getStyler().setLegendVisible(false);

        CategoryChart packets = chart("Packets and loss, by VM NIC", "VM NIC", "packets");
        List<Double> moved = new ArrayList<>();
        List<Double> lost = new ArrayList<>();
        for (Source s : sources) {
            for (RunReport.Nic n : s.report().nics()) {
                moved.add((double) n.packets());
                lost.add((double) n.lost());
            }
        }
        packets.addSeries("packets (tx + rx)", nicLabels, moved);
        packets.addSeries("lost", nicLabels, lost);
        return List.of(exits, interrupts, cycles, packets);
    }

    private List<Double> pathValues(java.util.function.Function<RunReport.Path, Double> figure) {
        List<Double> values = new ArrayList<>();
        for (Source s : sources) {
            for (RunReport.Path p : s.report().paths()) {
                Double v = figure.apply(p);
                values.add(v == null ? 0.0 : v);
            }
        }
        return values;
    }

    private static CategoryChart chart(String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisLabelRotation(30);
        c.getStyler().setAntiAlias(true);
        return c;
    }

    /** One PNG image with the four charts in two rows of two. */
    public void writePng(OutputStream out) throws IOException {
        BitmapEncoder.saveBitmap(charts(), 2, 2, out, BitmapEncoder.BitmapFormat.PNG);
    }

    /** A self-contained HTML page: the charts as embedded PNG, the figures as tables, the machine and date. */
    public void writeHtml(OutputStream out) throws IOException {
        StringBuilder h = new StringBuilder();
        String topologies = String.join(", ", sources.stream().map(Source::label).toList());
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>iovirt report: ")
                .append(esc(topologies)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:1700px}table{border-collapse:collapse;margin:1em 0}")
                .append("th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#eee}")
                .append("td:first-child,th:first-child{text-align:left}img{margin:.5em;border:1px solid #ddd}\n</style>\n</head>\n<body>\n");
        h.append("<h1>iovirt report: ").append(esc(topologies)).append("</h1>\n<p>")
                .append("Generated ").append(DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC).toInstant()))
                .append(" on ").append(esc(machine())).append(".</p>\n");
        h.append("<p>Per-packet figures: every packet a VM sent or received, counted at the NIC's host side; exits and ")
                .append("interrupts since boot, the guests' timer ticks included; cycles from the cost model (docs/run-report.md).</p>\n");
        h.append("<h2>Charts</h2>\n");
        for (CategoryChart c : charts()) {
            byte[] png = BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
            h.append("<img alt=\"").append(esc(c.getTitle())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
        }
        for (Source s : sources) {
            RunReport r = s.report();
            h.append("<h2>").append(esc(s.label())).append("</h2>\n<p>").append(String.format(Locale.ROOT, "%.3f", r.virtualSeconds()))
                    .append(" s of virtual time; traffic ").append(r.finished() ? "finished" : "not finished within the limit").append(".</p>\n");
            h.append("<h3>By I/O path</h3>\n<table>\n<tr><th>path</th><th>packets</th><th>exits/pkt</th><th>user-space exits/pkt</th>")
                    .append("<th>interrupts/pkt</th><th>copies/pkt</th><th>cycles/pkt</th></tr>\n");
            for (RunReport.Path p : r.paths()) {
                h.append("<tr><td>").append(esc(p.model())).append("</td><td>").append(p.packets()).append("</td><td>")
                        .append(fmt(p.exitsPerPacket(), "%.2f")).append("</td><td>").append(fmt(p.userSpaceExitsPerPacket(), "%.2f"))
                        .append("</td><td>").append(fmt(p.interruptsPerPacket(), "%.2f")).append("</td><td>")
                        .append(fmt(p.copiesPerPacket(), "%.2f")).append("</td><td>").append(fmt(p.modeledCyclesPerPacket(), "%.0f")).append("</td></tr>\n");
            }
            h.append("</table>\n<h3>By VM NIC</h3>\n<table>\n<tr><th>vm</th><th>host</th><th>nic</th><th>model</th><th>tx</th><th>rx</th>")
                    .append("<th>lost</th><th>exits</th><th>user-space</th><th>interrupts</th><th>cycles</th><th>exits/pkt</th>")
                    .append("<th>interrupts/pkt</th><th>copies/pkt</th><th>cycles/pkt</th><th>exits by reason</th></tr>\n");
            for (RunReport.Nic n : r.nics()) {
                h.append("<tr><td>").append(esc(n.vm())).append("</td><td>").append(esc(n.host())).append("</td><td>").append(esc(n.nic()))
                        .append("</td><td>").append(esc(n.model())).append("</td><td>").append(n.txPackets()).append("</td><td>")
                        .append(n.rxPackets()).append("</td><td>").append(n.lost()).append("</td><td>").append(n.exits())
                        .append("</td><td>").append(n.userSpaceExits()).append("</td><td>").append(n.interrupts()).append("</td><td>")
                        .append(n.modeledCycles()).append("</td><td>").append(fmt(n.exitsPerPacket(), "%.2f")).append("</td><td>")
                        .append(fmt(n.interruptsPerPacket(), "%.2f")).append("</td><td>").append(fmt(n.copiesPerPacket(), "%.2f"))
                        .append("</td><td>").append(fmt(n.modeledCyclesPerPacket(), "%.0f"))
                        .append("</td><td>").append(esc(n.exitsByReason() == null ? "" : n.exitsByReason().toString())).append("</td></tr>\n");
            }
            h.append("</table>\n<h3>Traffic</h3>\n<table>\n<tr><th>kind</th><th>from</th><th>to</th><th>sent</th><th>received</th><th>lost</th><th>result</th></tr>\n");
            for (RunReport.Traffic t : r.traffic()) {
                h.append("<tr><td>").append(esc(t.kind())).append("</td><td>").append(esc(t.from())).append("</td><td>").append(esc(t.to()))
                        .append("</td><td>").append(t.sent()).append("</td><td>").append(t.received()).append("</td><td>").append(t.lost())
                        .append("</td><td>").append(esc(t.summary())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body>\n</html>\n");
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The machine the report is made on: host name, OS, CPUs, Java. */
    static String machine() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return host + " (" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + Runtime.version() + ")";
    }

    private static String fmt(Double v, String format) {
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The PNG of the four charts as bytes (for tests and callers that embed it). */
    public byte[] png() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writePng(b);
        return b.toByteArray();
    }

    /** Labels for the reports: their topologies, with the file added where two share one. */
    public static List<Source> label(List<String> files, List<RunReport> reports) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        reports.forEach(r -> seen.merge(r.topology(), 1, Integer::sum));
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            RunReport r = reports.get(i);
            out.add(new Source(seen.get(r.topology()) > 1 ? r.topology() + " (" + files.get(i) + ")" : r.topology(), r));
        }
        return out;
    }
}
