package dev.iovirt.platform.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.rest.ApiException;
import dev.iovirt.controller.rest.ApiRequest;
import dev.iovirt.controller.rest.ApiResponse;
import dev.iovirt.controller.rest.JsonCodecs;
import dev.iovirt.packet.capture.BpfFilter;
import dev.iovirt.platform.capture.CaptureFile;
import dev.iovirt.platform.topology.CapturePoint;
import dev.iovirt.platform.topology.CaptureSpec;
import dev.iovirt.platform.topology.Units;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * {@code /api/v1/captures} on a run's controller (docs/rest-api.md, "Captures"): list the run's
 * captures, start one at any of the run's capture points, stop one. It is served beside the
 * controller's own resources ({@link RunController#route}), with the same token check on POST and
 * DELETE.
 *
 * <p>The body of a POST is read on the Vert.x event loop (its syntax: the same keys and rules as a
 * topology's {@code captures[]}); everything that touches the captures is handed to the run's
 * thread, which does it between two steps of the step driver ({@link #runPending}), so that a
 * capture file is only ever written, started and closed by the thread that moves the frames. A
 * request is answered once the run's thread has done it: at once while the run goes on
 * ({@code iovirt run --keep}: every few milliseconds), and never if the run is not stepped; a run
 * that closes answers what is pending with 503.
 */
final class CaptureResource {
    /** The keys of a POST body, as a topology's capture has them (docs/topology.md). */
    private static final Set<String> KEYS = Set.of("points", "file", "filter", "ring");
    private static final Set<String> RING_KEYS = Set.of("files", "size");

    private final TopologyRun run;
    private final Queue<Task<?>> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** Something to do on the run's thread and the request that waits for it. */
    private record Task<T>(Supplier<T> work, CompletableFuture<T> done) {
        void run() {
            try {
                done.complete(work.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }
    }

    private CaptureResource(TopologyRun run) {
        this.run = run;
    }

    /** Serves the captures of {@code run} on {@code controller}'s REST API. */
    static CaptureResource mount(TopologyRun run, RunController controller) {
        CaptureResource r = new CaptureResource(run);
        controller.route("GET", "/captures", r::list);
        controller.route("POST", "/captures", r::start);
        controller.route("GET", "/captures/:id", r::get);
        controller.route("DELETE", "/captures/:id", r::stop);
        return r;
    }

    /** Does what the requests asked (on the run's thread); whether there was anything. */
    boolean runPending() {
        boolean any = false;
        for (Task<?> t = pending.poll(); t != null; t = pending.poll()) {
            t.run();
            any = true;
        }
        return any;
    }

    /** Answers what is pending with 503: the run is over. */
    void close() {
        closed = true;
        for (Task<?> t = pending.poll(); t != null; t = pending.poll()) {
            t.done().completeExceptionally(new ApiException(503, "the run has stopped", null));
        }
    }

    private <T> CompletableFuture<T> onRunThread(Supplier<T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new ApiException(503, "the run has stopped", null));
        }
        Task<T> t = new Task<>(work, new CompletableFuture<>());
        pending.add(t);
        if (closed) {
            close();
        }
        return t.done();
    }

    private CompletableFuture<ApiResponse> list(ApiRequest r) {
        return onRunThread(() -> {
            ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
            run.captures().forEach(c -> a.add(json(c)));
            return ApiResponse.ok(a);
        });
    }

    private CompletableFuture<ApiResponse> get(ApiRequest r) {
        String id = r.pathParams().get("id");
        return onRunThread(() -> ApiResponse.ok(json(run.captures().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> noSuch(id)))));
    }

    private CompletableFuture<ApiResponse> start(ApiRequest r) {
        CaptureSpec spec = spec(r.body());
        return onRunThread(() -> {
            try {
                return new ApiResponse(201, json(run.startCapture(spec)));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage(), e.getMessage().startsWith("file ") ? "file" : "points");
            } catch (IOException e) {
                throw new ApiException(400, "capture " + spec.port() + ": " + e.getMessage(), "file");
            }
        });
    }

    private CompletableFuture<ApiResponse> stop(ApiRequest r) {
        String id = r.pathParams().get("id");
        return onRunThread(() -> {
            TopologyRun.Capture c;
            try {
                c = run.stopCapture(id);
            } catch (IllegalStateException e) {
                throw new ApiException(409, e.getMessage(), "id");
            } catch (IOException e) {
                throw new ApiException(500, "capture " + id + " stopped, but its file could not be flushed: " + e.getMessage(), null);
            }
            if (c == null) {
                throw noSuch(id);
            }
            return ApiResponse.ok(json(c));
        });
    }

    private static ApiException noSuch(String id) {
        return new ApiException(404, "no capture with id '" + id + "'", "id");
    }

    /** A capture as the API shows it. */
    private ObjectNode json(TopologyRun.Capture c) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("id", c.id());
        ArrayNode points = o.putArray("points");
        c.spec().points().forEach(p -> points.add(p.name()));
        o.put("file", c.spec().file());
        c.spec().filter().ifPresentOrElse(f -> o.put("filter", f), () -> o.putNull("filter"));
        c.spec().ring().ifPresentOrElse(ring -> {
            ObjectNode n = o.putObject("ring");
            n.put("files", ring.files());
            n.put("size", ring.size());
        }, () -> o.putNull("ring"));
        o.put("state", c.state());
        o.put("frames", c.frames());
        ObjectNode byPoint = o.putObject("frames_by_point");
        for (CaptureFile.Point p : c.points()) {
            byPoint.put(p.name(), p.frames());
        }
        ArrayNode files = o.putArray("files");
        Path dir = run.captureDirectory().toAbsolutePath();
        c.files().forEach(f -> files.add(dir.relativize(f.toAbsolutePath()).toString()));
        if (c.error() != null) {
            o.put("error", c.error().getMessage());
        } else {
            o.putNull("error");
        }
        return o;
    }

    /**
     * Reads a POST body into a capture: {@code points} (capture points, at least one, each once),
     * {@code file} (a relative path inside the run's directory), {@code filter} (a BPF expression
     * that compiles), {@code ring} ({@code files} 2..100000, {@code size} such as {@code "1MiB"} or a
     * byte count, at least 4 KiB). Whether the points are the run's is checked on the run's thread.
     *
     * @throws ApiException 400 naming the field at fault
     */
    static CaptureSpec spec(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "a capture is a JSON object, e.g. {\"points\": [\"web1.eth0\"], \"file\": \"web1.pcapng\"}", null);
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new ApiException(400, "a capture has no field '" + name + "' (it has points, file, filter and ring)", name);
            }
        }
        JsonNode pointsNode = body.get("points");
        if (pointsNode == null || !pointsNode.isArray() || pointsNode.isEmpty()) {
            throw new ApiException(400, "points must be a non-empty list of capture points: " + CapturePoint.SYNTAX, "points");
        }
        List<CapturePoint> points = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < pointsNode.size(); i++) {
            JsonNode n = pointsNode.get(i);
            String field = "points[" + i + "]";
            if (!n.isTextual()) {
                throw new ApiException(400, field + " must be a capture point: " + CapturePoint.SYNTAX, field);
            }
            CapturePoint p;
            try {
                p = CapturePoint.parse(n.asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage(), field);
            }
            if (!seen.add(p.name())) {
                throw new ApiException(400, "capture point " + p.name() + " is named twice", field);
            }
            points.add(p);
        }
        String file = file(body.get("file"));
        Optional<String> filter = Optional.empty();
        JsonNode f = body.get("filter");
        if (f != null && !f.isNull()) {
            if (!f.isTextual()) {
                throw new ApiException(400, "filter must be a BPF expression in tcpdump syntax, e.g. \"icmp or udp\"", "filter");
            }
            try (BpfFilter ignored = BpfFilter.compile(f.asText())) {
                filter = Optional.of(f.asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "filter '" + f.asText() + "' does not compile: " + e.getMessage(), "filter");
            } catch (IllegalStateException e) {
                throw new ApiException(400, "filter '" + f.asText() + "' cannot be checked: " + e.getMessage(), "filter");
            }
        }
        Optional<CaptureSpec.Ring> ring = Optional.empty();
        JsonNode rn = body.get("ring");
        if (rn != null && !rn.isNull()) {
            ring = Optional.of(ring(rn));
        }
        return new CaptureSpec(points, file, filter, ring);
    }

    /** A file name inside the run's directory: relative, without {@code ..}. */
    private static String file(JsonNode n) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new ApiException(400, "file must name the pcapng file to write, e.g. \"web1.pcapng\"", "file");
        }
        String text = n.asText();
        Path p;
        try {
            p = Path.of(text);
        } catch (InvalidPathException e) {
            throw new ApiException(400, "file '" + text + "' is not a file name: " + e.getMessage(), "file");
        }
        if (p.isAbsolute() || text.startsWith("/") || text.startsWith("\\") || p.getRoot() != null) {
            throw new ApiException(400, "file '" + text + "' is absolute — name a file inside the run's directory, e.g. \"web1.pcapng\"", "file");
        }
        for (Path part : p) {
            if (part.toString().equals("..")) {
                throw new ApiException(400, "file '" + text + "' leaves the run's directory (..) — name a file inside it", "file");
            }
        }
        if (p.getFileName() == null || p.getFileName().toString().equals(".")) {
            throw new ApiException(400, "file '" + text + "' names no file", "file");
        }
        return text;
    }

    private static CaptureSpec.Ring ring(JsonNode n) {
        if (!n.isObject()) {
            throw new ApiException(400, "ring must be an object, e.g. {\"files\": 4, \"size\": \"1MiB\"}", "ring");
        }
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RING_KEYS.contains(name)) {
                throw new ApiException(400, "a ring has no field '" + name + "' (it has files and size)", "ring." + name);
            }
        }
        JsonNode files = n.get("files");
        if (files == null || !files.canConvertToInt() || !files.isIntegralNumber()
                || files.asInt() < 2 || files.asInt() > CaptureSpec.Ring.MAX_FILES) {
            throw new ApiException(400, "ring.files must be a whole number from 2 to " + CaptureSpec.Ring.MAX_FILES, "ring.files");
        }
        JsonNode sizeNode = n.get("size");
        long size;
        if (sizeNode != null && sizeNode.isIntegralNumber() && sizeNode.canConvertToLong()) {
            size = sizeNode.asLong();
        } else if (sizeNode != null && sizeNode.isTextual()) {
            try {
                size = Units.size("ring.size", sizeNode.asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage(), "ring.size");
            }
        } else {
            throw new ApiException(400, "ring.size must be a size such as \"1MiB\" or a number of bytes", "ring.size");
        }
        if (size < CaptureSpec.Ring.MIN_SIZE) {
            throw new ApiException(400, "ring.size " + size + " bytes is too small for a ring file — give at least "
                    + Units.formatSize(CaptureSpec.Ring.MIN_SIZE), "ring.size");
        }
        return new CaptureSpec.Ring(files.asInt(), size);
    }
}
