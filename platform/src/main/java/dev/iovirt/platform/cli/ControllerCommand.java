package dev.iovirt.platform.cli;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.openflow.ControllerConfig;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.platform.topology.HostPort;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iovirt controller}: the SDN controller on its own (docs/controller.md), its OpenFlow
 * listener and its REST API (docs/rest-api.md), until interrupted. The API token comes from
 * {@value ControllerMain#TOKEN_ENV}; without it one is generated and printed.
 */
@Command(name = "controller",
        description = {"Run the OpenFlow 1.3 controller and its REST API until interrupted (Ctrl-C).",
                "State-changing API calls need 'Authorization: Bearer TOKEN'; the token is read from "
                        + ControllerMain.TOKEN_ENV + ", or generated and printed at start."},
        mixinStandardHelpOptions = true,
        footer = {"", "Example:",
                "  IOVIRT_API_TOKEN=secret iovirt controller --openflow 0.0.0.0:6653 --api 127.0.0.1:8181 &",
                "  ovs-vsctl set-controller br0 tcp:127.0.0.1:6653",
                "  curl http://127.0.0.1:8181/api/v1/switches"})
final class ControllerCommand implements Callable<Integer> {
    private static final String PREFIX = "iovirt controller: ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--openflow", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:" + ControllerConfig.DEFAULT_PORT,
            description = "Listen for switches here; port 0 picks one (default: ${DEFAULT-VALUE}).")
    String openflow;

    @Option(names = "--api", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8181",
            description = "Serve the REST API (under " + RestApi.BASE + ") here; port 0 picks one (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--apps", paramLabel = "LIST", defaultValue = "learning-switch,lldp,hosts",
            description = "The apps to run, comma-separated, from learning-switch, lldp (link discovery), "
                    + "hosts (host tracking), acl, arp-responder and overlay (VNI networks over VXLAN); empty for none "
                    + "(default: ${DEFAULT-VALUE}).")
    String apps;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event loops for the switch connections (default: one per core).")
    Integer threads;

    @Option(names = "--tls-cert", paramLabel = "CERT.pem", description = "Accept switches over TLS with this certificate chain (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "KEY.pem", description = "The private key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    /** Where the token comes from; tests replace it. */
    Map<String, String> environment = System.getenv();
    /** Stops the controller: Ctrl-C, or a test. */
    final UntilStopped stop = new UntilStopped("iovirt-controller-shutdown");
    /** Completes once the controller runs: for tests, which drive it in-process. */
    final CompletableFuture<ControllerMain> started = new CompletableFuture<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress openflowAt = address(openflow, "--openflow");
        InetSocketAddress apiAt = address(api, "--api");
        ControllerMain.Options options;
        try {
            options = ControllerMain.apps(apps, ControllerMain.Options.defaults());
        } catch (IllegalArgumentException e) {
            throw usage("--apps: " + e.getMessage());
        }
        ControllerConfig config = options.openflow();
        if (threads != null) {
            if (threads < 1 || threads > 256) {
                throw usage("--threads must be 1..256, not " + threads);
            }
            config = config.withWorkerThreads(threads);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw usage("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null) {
            for (Path p : new Path[] {tlsCert, tlsKey}) {
                if (!Files.isReadable(p)) {
                    err.println(PREFIX + p + ": no such file or not readable");
                    return Iovirt.EXIT_FAILURE;
                }
            }
            config = config.withTls(new ControllerConfig.Tls(tlsCert, tlsKey));
        }
        options = options.withOpenflow(config);

        ControllerMain controller;
        try {
            controller = ControllerMain.start(openflowAt, apiAt, ControllerMain.tokenFrom(environment), options);
        } catch (Exception e) {
            err.println(PREFIX + "cannot start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return Iovirt.EXIT_FAILURE;
        }
        try {
            InetSocketAddress a = controller.apiAddress();
            out.println("OpenFlow " + (tlsCert != null ? "over TLS " : "") + "on " + hostPort(controller.openflowAddress()));
            out.println("REST API on http://" + hostPort(a) + RestApi.BASE + " (OpenAPI: " + RestApi.BASE + "/openapi.yaml)");
            if (controller.tokenGenerated()) {
                out.println("API token (set " + ControllerMain.TOKEN_ENV + " to choose one): " + controller.token());
            }
            out.flush();
            err.println(PREFIX + "apps: " + (apps.isBlank() ? "none" : apps) + "; Ctrl-C stops it");
            started.complete(controller);
            stop.await();
            return 0;
        } finally {
            controller.close();
            err.println(PREFIX + "stopped");
            err.flush();
            stop.cleanedUp();
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** HOST:PORT as {@link HostPort} reads it, but port 0 (any free port) is allowed too. */
    private InetSocketAddress address(String text, String option) {
        try {
            if (text.endsWith(":0")) {
                HostPort host = HostPort.parse(text.substring(0, text.length() - 1) + "1");
                return new InetSocketAddress(host.host(), 0);
            }
            HostPort hp = HostPort.parse(text);
            return new InetSocketAddress(hp.host(), hp.port());
        } catch (IllegalArgumentException e) {
            throw usage(option + " " + e.getMessage().replace("'" + text.substring(0, text.length() - 1) + "1'", "'" + text + "'"));
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
