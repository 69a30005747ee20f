package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.device.DeviceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(60)
class ControllerCommandTest {
    @Test
    void usageErrorsNameTheOptionAndExitTwo() {
        CliRunner apps = CliRunner.run("controller", "--apps", "learning-switch,firewall");
        assertThat(apps.status()).isEqualTo(Iovirt.EXIT_USAGE);
        assertThat(apps.err()).startsWith("iovirt controller: --apps: unknown app 'firewall'");
        assertThat(CliRunner.run("controller", "--openflow", "127.0.0.1").err())
                .startsWith("iovirt controller: --openflow '127.0.0.1' is not host:port");
        assertThat(CliRunner.run("controller", "--api", "127.0.0.1:99999").err())
                .startsWith("iovirt controller: --api '127.0.0.1:99999': the port must be a number 1..65535");
        assertThat(CliRunner.run("controller", "--threads", "0").err())
                .startsWith("iovirt controller: --threads must be 1..256, not 0");
        assertThat(CliRunner.run("controller", "--tls-cert", "c.pem").err())
                .startsWith("iovirt controller: --tls-cert and --tls-key go together");
    }

    @Test
    void aPortInUseIsOneLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRunner r = CliRunner.run("controller", "--openflow", "127.0.0.1:0", "--api", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
            assertThat(r.err()).startsWith("iovirt controller: cannot start:");
        }
    }

    @Test
    void ourSwitchConnectsAndShowsInTheRestApiThenTheControllerStopsCleanly() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Iovirt.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        ControllerCommand cmd = cl.getSubcommands().get("controller").getCommand();
        cmd.environment = Map.of();
        CompletableFuture<Integer> status = CliRunner.inBackground(() -> cl.execute("controller",
                "--openflow", "127.0.0.1:0", "--api", "127.0.0.1:0", "--apps", "learning-switch,acl,arp-responder", "--threads", "1"));
        ControllerMain controller = cmd.started.get(20, TimeUnit.SECONDS);
        assertThat(out.toString()).contains("REST API on http://127.0.0.1:" + controller.apiAddress().getPort() + "/api/v1")
                .contains("API token (set IOVIRT_API_TOKEN to choose one): " + controller.token());

        CompletableFuture<Void> added = new CompletableFuture<>();
        controller.devices().addListener(e -> {
            if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
                added.complete(null);
            }
        });
        StringWriter switchErr = new StringWriter();
        CommandLine sw = Iovirt.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(switchErr, true));
        SwitchCommand switchCmd = sw.getSubcommands().get("switch").getCommand();
        CompletableFuture<Integer> switchStatus = CliRunner.inBackground(() -> sw.execute("switch", "--dpid", "0xab",
                "--controller", "tcp:127.0.0.1:" + controller.openflowAddress().getPort()));
        try {
            switchCmd.started.get(20, TimeUnit.SECONDS);
            added.get(20, TimeUnit.SECONDS);

            HttpClient http = HttpClient.newHttpClient();
            URI switches = URI.create("http://127.0.0.1:" + controller.apiAddress().getPort() + "/api/v1/switches");
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(switches).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("\"dpid\":\"00000000000000ab\"");

            // The generated token is the one the API wants for a change; none at all is refused.
            URI flows = URI.create(switches + "/ab/flows");
            String flow = "{\"priority\":7,\"match\":{\"in_port\":1},\"actions\":[{\"type\":\"output\",\"port\":2}]}";
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(flows)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(flow)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(flows)
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + controller.token())
                    .POST(HttpRequest.BodyPublishers.ofString(flow)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 201);

            // --apps reached the controller: the ACL app takes rules (without it the answer is 409).
            URI acls = URI.create("http://127.0.0.1:" + controller.apiAddress().getPort() + "/api/v1/acls");
            HttpResponse<String> acl = http.send(HttpRequest.newBuilder(acls)
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + controller.token())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"priority\":100,\"ipv4_src\":\"10.0.0.0/24\",\"action\":\"deny\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(acl.statusCode()).as(acl.body()).isEqualTo(201);
        } finally {
            switchCmd.stop.stop();
            assertThat(switchStatus.get(20, TimeUnit.SECONDS)).isZero();
            cmd.stop.stop();
        }
        assertThat(status.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(err.toString()).contains("iovirt controller: apps: learning-switch,acl,arp-responder; Ctrl-C stops it")
                .endsWith("iovirt controller: stopped\n");
    }
}
