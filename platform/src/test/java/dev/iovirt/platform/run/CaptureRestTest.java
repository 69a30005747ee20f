package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures started, listed and stopped over the run's REST API ({@code /api/v1/captures}) with a
 * real HTTP client. The run is driven by the test's thread: while a request waits, the test steps
 * the run without moving its virtual time ({@code advance(now)}), which is when the run's thread
 * does what the request asked.
 */
class CaptureRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** emu (e1000) pings vf (an SR-IOV VF) three times; the topology captures the NIC's uplink. */
    private static Topology topology() throws Exception {
        return TopologyLoader.parse("vf.yaml", """
                name: vf
                hosts: [ { name: hv1, nic: { model: sriov, vfs: 2 } } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: emu, host: hv1, nics: [ { network: lan, model: e1000, ip: 10.0.0.1 } ] }
                  - { name: vf, host: hv1, nics: [ { network: lan, model: sriov-vf, ip: 10.0.0.2 } ] }
                traffic:
                  - ping: { from: emu, to: vf, count: 3, interval: 10ms }
                captures:
                  - { port: hv1:hv1-pf0, file: uplink.pcapng, filter: icmp }
                """).orElseThrow();
    }

    private record Reply(int status, JsonNode body) {
    }

    /** Sends {@code method path} with {@code body} (null: none) and the token if {@code token}, stepping {@code run} until it is answered. */
    private Reply call(TopologyRun run, String method, String path, String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.apiAddress().getPort() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(10));
        if (token) {
            b.header("Authorization", "Bearer " + run.apiToken());
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now = run.nanos();
        while (!f.isDone() && System.nanoTime() - deadline < 0) {
            run.advance(now);
        }
        HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
        assertThat(run.nanos()).as("virtual time while the request waited").isEqualTo(now);
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    private List<CapturedFrame> read(String file) throws Exception {
        try (CaptureReader r = CaptureReader.open(dir.resolve(file))) {
            return r.readAll();
        }
    }

    @Test
    void aCaptureStartedOverRestTakesItsPointsFramesUntilItIsStoppedAndTheTopologysIsListedBesideIt() throws Exception {
        try (TopologyRun run = TopologyRun.build(topology(), dir)) {
            Reply started = call(run, "POST", "/captures", """
                    {"points": ["emu.eth0", "vf.eth0"], "file": "rest.pcapng", "filter": "icmp"}""", true);
            assertThat(started.status()).isEqualTo(201);
            assertThat(started.body().get("id").asText()).isEqualTo("2");
            assertThat(started.body().get("state").asText()).isEqualTo("running");

            assertThat(run.run(Duration.ofSeconds(5))).isTrue();

            Reply list = call(run, "GET", "/captures", null, false);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).hasSize(2);
            assertThat(list.body().get(0).toString()).isEqualTo("{\"id\":\"1\",\"points\":[\"hv1:hv1-pf0\"],\"file\":\"uplink.pcapng\","
                    + "\"filter\":\"icmp\",\"ring\":null,\"state\":\"running\",\"frames\":6,\"frames_by_point\":{\"hv1:hv1-pf0\":6},"
                    + "\"files\":[\"uplink.pcapng\"],\"error\":null}");
            assertThat(list.body().get(1).get("points").toString()).isEqualTo("[\"emu.eth0\",\"vf.eth0\"]");

            Reply stopped = call(run, "DELETE", "/captures/2", null, true);
            assertThat(stopped.status()).isEqualTo(200);
            assertThat(stopped.body().get("state").asText()).isEqualTo("stopped");
            assertThat(stopped.body().get("frames").asLong()).isEqualTo(12);
            assertThat(stopped.body().get("frames_by_point").toString()).isEqualTo("{\"emu.eth0\":6,\"vf.eth0\":6}");
            // Closed: read while the run still goes on.
            List<CapturedFrame> frames = read("rest.pcapng");
            assertThat(frames).extracting(f -> f.interfaceName() + " " + f.data()[34]).containsExactly(
                    "emu.eth0 8", "vf.eth0 8", "vf.eth0 0", "emu.eth0 0",
                    "emu.eth0 8", "vf.eth0 8", "vf.eth0 0", "emu.eth0 0",
                    "emu.eth0 8", "vf.eth0 8", "vf.eth0 0", "emu.eth0 0");

            Reply again = call(run, "DELETE", "/captures/2", null, true);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("error").asText()).isEqualTo("capture 2 is already stopped");

            Reply yaml = call(run, "DELETE", "/captures/1", null, true);
            assertThat(yaml.status()).isEqualTo(200);
            assertThat(yaml.body().get("frames").asLong()).isEqualTo(6);
            assertThat(read("uplink.pcapng")).hasSize(6);
        }
    }

    @Test
    void aStoppedCaptureTakesNoMoreFramesAndOneStartedLaterOnlyTheLaterOnes() throws Exception {
        try (TopologyRun run = TopologyRun.build(topology(), dir)) {
            assertThat(run.run(Duration.ofSeconds(5))).isTrue();
            // After the ping: a capture of the VF started now sees nothing of it.
            Reply started = call(run, "POST", "/captures", "{\"points\": [\"vf.eth0\"], \"file\": \"late.pcapng\"}", true);
            assertThat(started.status()).isEqualTo(201);
            run.advance(run.nanos() + 100_000_000L);
            Reply stopped = call(run, "DELETE", "/captures/" + started.body().get("id").asText(), null, true);
            assertThat(stopped.body().get("frames").asLong()).isZero();
            assertThat(read("late.pcapng")).isEmpty();
            assertThat(run.captures().get(0).frames()).isEqualTo(6);
        }
    }

    @Test
    void aBadCaptureIsA400WithItsReasonAndNothingStarts() throws Exception {
        try (TopologyRun run = TopologyRun.build(topology(), dir)) {
            assertThat(call(run, "POST", "/captures", "{\"points\": [\"emu.eth0\"], \"file\": \"x.pcapng\"}", false).status())
                    .as("no token").isEqualTo(401);
            assertBad(run, "{\"points\": [\"emu.eth1\"], \"file\": \"x.pcapng\"}",
                    "capture point 'emu.eth1': vm 'emu' has no NIC 'eth1' — its NICs are eth0", "points");
            assertBad(run, "{\"points\": [\"emux.eth0\"], \"file\": \"x.pcapng\"}",
                    "capture point 'emux.eth0' names 'emux', which is not a defined VM or appliance — did you mean 'emu'?", "points");
            assertBad(run, "{\"points\": [\"hv1:underlay\"], \"file\": \"x.pcapng\"}",
                    "capture point 'hv1:underlay': with one host there is no underlay (no VXLAN tunnel) — capture a vNIC instead", "points");
            assertBad(run, "{\"points\": [\"emu\"], \"file\": \"x.pcapng\"}",
                    "capture point 'emu' is not VM.NIC (web1.eth0), HOST:PORT (hv1:vxlan-hv2) or HOST:underlay", "points[0]");
            assertBad(run, "{\"points\": [], \"file\": \"x.pcapng\"}",
                    "points must be a non-empty list of capture points: VM.NIC (web1.eth0), HOST:PORT (hv1:vxlan-hv2) or HOST:underlay", "points");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"../x.pcapng\"}",
                    "file '../x.pcapng' leaves the run's directory (..) — name a file inside it", "file");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"" + dir.resolve("x.pcapng") + "\"}",
                    "file '" + dir.resolve("x.pcapng") + "' is absolute — name a file inside the run's directory, e.g. \"web1.pcapng\"", "file");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"uplink.pcapng\"}",
                    "file uplink.pcapng is capture 1's — give each capture its own file", "file");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"x.pcapng\", \"filter\": \"icmpp\"}", null, "filter");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"x.pcapng\", \"ring\": {\"files\": 4, \"size\": \"1MB\"}}",
                    "ring.size '1MB' has an unknown unit 'MB' — sizes are binary: write 1MiB", "ring.size");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"x.pcapng\", \"port\": \"emu.eth0\"}",
                    "a capture has no field 'port' (it has points, file, filter and ring)", "port");
            assertBad(run, "{\"points\": [\"emu.eth0\"], \"file\": \"missing/x.pcapng\"}", null, "file");

            Reply unknown = call(run, "DELETE", "/captures/9", null, true);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.body().get("error").asText()).isEqualTo("no capture with id '9'");
            Reply list = call(run, "GET", "/captures", null, false);
            assertThat(list.body()).hasSize(1);
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("uplink.pcapng");
            }
        }
    }

    private void assertBad(TopologyRun run, String body, String error, String field) throws Exception {
        Reply r = call(run, "POST", "/captures", body, true);
        assertThat(r.status()).as(body).isEqualTo(400);
        if (error != null) {
            assertThat(r.body().get("error").asText()).isEqualTo(error);
        }
        assertThat(r.body().get("field").asText()).isEqualTo(field);
    }
}
