package dev.iovirt.controller;

import dev.iovirt.controller.acl.AclManager;
import dev.iovirt.controller.app.ArpResponder;
import dev.iovirt.controller.app.LearningSwitch;
import dev.iovirt.controller.app.OverlayApp;
import dev.iovirt.controller.device.DeviceManager;
import dev.iovirt.controller.flow.FlowRuleManager;
import dev.iovirt.controller.group.GroupManager;
import dev.iovirt.controller.host.HostManager;
import dev.iovirt.controller.meter.MeterManager;
import dev.iovirt.controller.network.NetworkManager;
import dev.iovirt.controller.sfc.SfcApp;
import dev.iovirt.controller.sfc.SfcManager;
import java.util.concurrent.CompletableFuture;
import dev.iovirt.controller.openflow.ControllerConfig;
import dev.iovirt.controller.openflow.OpenFlowController;
import dev.iovirt.controller.openflow.OpenFlowDeviceProvider;
import dev.iovirt.controller.openflow.OpenFlowFlowRuleProvider;
import dev.iovirt.controller.openflow.OpenFlowGroupProvider;
import dev.iovirt.controller.openflow.OpenFlowMeterProvider;
import dev.iovirt.controller.rest.RestApi;
import dev.iovirt.controller.topology.TopologyManager;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The controller as one object: the OpenFlow listener, the subsystems (devices, flows, hosts,
 * topology), the apps and the REST API, wired and started together, closed together. This is what
 * {@code iovirt controller --openflow HOST:PORT --api HOST:PORT} runs.
 *
 * <pre>{@code
 * try (ControllerMain c = ControllerMain.start(new InetSocketAddress("127.0.0.1", 6653),
 *         new InetSocketAddress("127.0.0.1", 8181), ControllerMain.tokenFrom(System.getenv()), Options.defaults())) {
 *     ... c.apiAddress(), c.devices(), ...
 * }
 * }</pre>
 */
public final class ControllerMain implements AutoCloseable {
    /** The environment variable that holds the API token. */
    public static final String TOKEN_ENV = "IOVIRT_API_TOKEN";

    /**
     * Which apps run and their timers.
     *
     * @param learningSwitch run the reactive L2 learning switch
     * @param lldp run LLDP link discovery
     * @param hostTracking learn hosts from ARP and IPv4 packet-ins
     * @param idleTimeout the learning switch's flow idle timeout, seconds
     * @param probeInterval LLDP probe interval
     * @param openflow the OpenFlow channel timers
     * @param acl run the ACL app (table 0; the learning switch then works in table 1)
     * @param arpResponder answer ARP requests for known IPs from the controller
     * @param overlay run the overlay app (proactive VXLAN overlay flows for the networks of /networks)
     */
    public record Options(boolean learningSwitch, boolean lldp, boolean hostTracking, int idleTimeout,
                          Duration probeInterval, ControllerConfig openflow, boolean acl, boolean arpResponder,
                          boolean overlay) {
        /** Options without the overlay app. */
        public Options(boolean learningSwitch, boolean lldp, boolean hostTracking, int idleTimeout,
                       Duration probeInterval, ControllerConfig openflow, boolean acl, boolean arpResponder) {
            this(learningSwitch, lldp, hostTracking, idleTimeout, probeInterval, openflow, acl, arpResponder, false);
        }

        /** Options without the ACL and the ARP responder. */
        public Options(boolean learningSwitch, boolean lldp, boolean hostTracking, int idleTimeout,
                       Duration probeInterval, ControllerConfig openflow) {
            this(learningSwitch, lldp, hostTracking, idleTimeout, probeInterval, openflow, false, false, false);
        }

        public static Options defaults() {
            return new Options(true, true, true, 60, Duration.ofSeconds(5), ControllerConfig.defaults());
        }

        public Options withLearningSwitch(boolean on) {
            return new Options(on, lldp, hostTracking, idleTimeout, probeInterval, openflow, acl, arpResponder, overlay);
        }

        public Options withLldp(boolean on, Duration interval) {
            return new Options(learningSwitch, on, hostTracking, idleTimeout, interval, openflow, acl, arpResponder, overlay);
        }

        public Options withAcl(boolean on) {
            return new Options(learningSwitch, lldp, hostTracking, idleTimeout, probeInterval, openflow, on, arpResponder, overlay);
        }

        public Options withArpResponder(boolean on) {
            return new Options(learningSwitch, lldp, hostTracking, idleTimeout, probeInterval, openflow, acl, on, overlay);
        }

        public Options withOverlay(boolean on) {
            return new Options(learningSwitch, lldp, hostTracking, idleTimeout, probeInterval, openflow, acl, arpResponder, on);
        }

        /** These options with other OpenFlow channel settings, the apps kept. */
        public Options withOpenflow(ControllerConfig config) {
            return new Options(learningSwitch, lldp, hostTracking, idleTimeout, probeInterval, config, acl, arpResponder, overlay);
        }
    }

    private final OpenFlowController openflow;
    private final DeviceManager devices = new DeviceManager();
    private final FlowRuleManager flows = new FlowRuleManager(devices);
    private final GroupManager groups = new GroupManager(devices);
    private final MeterManager meters = new MeterManager(devices);
    private final HostManager hosts = new HostManager();
    private final AclManager acl;
    private final NetworkManager networks = new NetworkManager();
    /** The service-chain objects (kept whether or not the overlay runs). */
    private final SfcManager sfc = new SfcManager(networks);
    /** The overlay app, when it runs. */
    private final OverlayApp overlay;
    /** The service-chain app, which runs with the overlay. */
    private final SfcApp sfcApp;
    /** The ARP responder; a packet processor only when the app runs. */
    private final ArpResponder arpResponder;
    private final TopologyManager topology;
    private final RestApi api;
    private final String token;
    private final boolean tokenGenerated;
    private InetSocketAddress openflowAddress;
    private InetSocketAddress apiAddress;

    private ControllerMain(String token, boolean tokenGenerated, Options options) {
        this.token = token;
        this.tokenGenerated = tokenGenerated;
        openflow = new OpenFlowController(options.openflow());
        devices.setProvider(new OpenFlowDeviceProvider(openflow, devices));
        flows.setProvider(new OpenFlowFlowRuleProvider(openflow, flows));
        groups.setProvider(new OpenFlowGroupProvider(openflow));
        meters.setProvider(new OpenFlowMeterProvider(openflow));
        topology = new TopologyManager(openflow, devices, options.probeInterval());
        if (options.lldp()) {
            openflow.addPacketProcessor(topology, 0);
            devices.addListener(topology);
            topology.startProbing();
        }
        // Registered tunnels are links of type "tunnel", whether or not LLDP runs.
        networks.addListener(e -> {
            if (e.type() == dev.iovirt.controller.network.NetworkEvent.Type.TUNNEL_ADDED
                    || e.type() == dev.iovirt.controller.network.NetworkEvent.Type.TUNNEL_REMOVED) {
                // Only the links between the tunnel's two switches change (a mesh of n switches has n(n-1) tunnels).
                var t = e.tunnel();
                var between = java.util.stream.Stream.of(networks.tunnel(t.dpid(), t.remote()), networks.tunnel(t.remote(), t.dpid()))
                        .flatMap(java.util.Optional::stream).toList();
                topology.setTunnelLinks(t.dpid(), t.remote(), dev.iovirt.controller.network.TunnelLinks.of(between));
            }
        });
        if (options.hostTracking()) {
            hosts.setInfrastructurePorts(topology::isInfrastructure);
            openflow.addPacketProcessor(hosts, 50);
            devices.addListener(hosts);
        }
        acl = new AclManager(devices, flows, options.acl());
        if (options.acl()) {
            devices.addListener(acl);
        }
        if (options.overlay()) {
            int table = options.acl() ? AclManager.FORWARDING_TABLE : 0;
            overlay = new OverlayApp(networks, devices, flows, table);
            sfcApp = new SfcApp(sfc, devices, flows, groups, table);
            // A network change may change any chain's entries (members, tunnels): the SFC app recomputes every switch.
            networks.setProgrammer(dpids -> {
                CompletableFuture<Void> forwarding = overlay.sync(dpids);
                // The chains follow even when a switch refused an overlay entry; that refusal is still the answer.
                return forwarding.handle((v, failure) -> null).thenCompose(v -> sfcApp.sync()).thenCompose(v -> forwarding);
            });
            sfc.setProgrammer(sfcApp::sync);
            devices.addListener(overlay);
            devices.addListener(sfcApp);
        } else {
            overlay = null;
            sfcApp = null;
        }
        arpResponder = new ArpResponder(hosts, options.arpResponder());
        if (options.arpResponder()) {
            openflow.addPacketProcessor(arpResponder, 75);
        }
        if (options.learningSwitch()) {
            LearningSwitch l2 = new LearningSwitch(openflow, options.idleTimeout(),
                    options.acl() ? AclManager.FORWARDING_TABLE : 0);
            openflow.addPacketProcessor(l2, 100);
            devices.addListener(l2);
        }
        api = new RestApi(token, devices, flows, groups, meters, acl, arpResponder, hosts, topology, openflow, networks, sfc, sfcApp);
    }

    /** Starts everything; the addresses may use port 0. */
    public static ControllerMain start(InetSocketAddress openflowAddr, InetSocketAddress apiAddr, String token,
                                       Options options) throws Exception {
        boolean generated = token == null || token.isBlank();
        ControllerMain c = new ControllerMain(generated ? generateToken() : token, generated, options);
        try {
            c.openflowAddress = c.openflow.start(openflowAddr);
            c.apiAddress = c.api.start(apiAddr);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** {@link #start(InetSocketAddress, InetSocketAddress, String, Options)} with the default apps. */
    public static ControllerMain start(InetSocketAddress openflowAddr, InetSocketAddress apiAddr, String token) throws Exception {
        return start(openflowAddr, apiAddr, token, Options.defaults());
    }

    /** The token in {@value #TOKEN_ENV}, or null (then {@link #start} generates one). */
    public static String tokenFrom(Map<String, String> environment) {
        String t = environment.get(TOKEN_ENV);
        return t == null || t.isBlank() ? null : t;
    }

    /** 256 random bits, URL-safe base64. */
    public static String generateToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public InetSocketAddress openflowAddress() {
        return openflowAddress;
    }

    public InetSocketAddress apiAddress() {
        return apiAddress;
    }

    /** The REST API, for a program that embeds the controller and adds its own routes ({@link RestApi#addRoute}). */
    public RestApi restApi() {
        return api;
    }

    public String token() {
        return token;
    }

    /** True if no token was given and {@link #token()} was generated (the CLI prints it then). */
    public boolean tokenGenerated() {
        return tokenGenerated;
    }

    public OpenFlowController openflow() {
        return openflow;
    }

    public DeviceManager devices() {
        return devices;
    }

    public FlowRuleManager flows() {
        return flows;
    }

    public GroupManager groups() {
        return groups;
    }

    public MeterManager meters() {
        return meters;
    }

    public AclManager acl() {
        return acl;
    }

    /** The ARP responder, if the app runs. */
    public java.util.Optional<ArpResponder> arpResponder() {
        return arpResponder.running() ? java.util.Optional.of(arpResponder) : java.util.Optional.empty();
    }

    public NetworkManager networks() {
        return networks;
    }

    /** The overlay app, if it runs. */
    public java.util.Optional<OverlayApp> overlay() {
        return java.util.Optional.ofNullable(overlay);
    }

    /** The service-chain objects. */
    public SfcManager sfc() {
        return sfc;
    }

    /** The service-chain app, if the overlay runs. */
    public java.util.Optional<SfcApp> sfcApp() {
        return java.util.Optional.ofNullable(sfcApp);
    }

    public HostManager hosts() {
        return hosts;
    }

    public TopologyManager topology() {
        return topology;
    }

    @Override
    public void close() {
        api.close();
        topology.close();
        openflow.close();
    }

    /**
     * Runs the controller until interrupted: {@code [--openflow HOST:PORT] [--api HOST:PORT]}
     * (defaults 0.0.0.0:6653 and 127.0.0.1:8181), for running the module without the CLI;
     * {@code iovirt controller} is the usual way.
     */
    public static void main(String[] args) throws Exception {
        InetSocketAddress of = new InetSocketAddress("0.0.0.0", ControllerConfig.DEFAULT_PORT);
        InetSocketAddress api = new InetSocketAddress("127.0.0.1", 8181);
        Options options = Options.defaults();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--openflow" -> of = parse(args[i + 1]);
                case "--api" -> api = parse(args[i + 1]);
                case "--apps" -> options = apps(args[i + 1], options);
                case "--tls" -> {
                    String[] files = args[i + 1].split(",");
                    if (files.length != 2) {
                        throw new IllegalArgumentException("--tls wants CERT.pem,KEY.pem");
                    }
                    options = options.withOpenflow(options.openflow().withTls(
                            new ControllerConfig.Tls(java.nio.file.Path.of(files[0]), java.nio.file.Path.of(files[1]))));
                }
                case "--threads" -> options = options.withOpenflow(options.openflow().withWorkerThreads(Integer.parseInt(args[i + 1])));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--openflow HOST:PORT, --api HOST:PORT, --apps learning-switch,lldp,hosts,acl,arp-responder,overlay, --threads N, --tls CERT.pem,KEY.pem)");
            }
        }
        ControllerMain c = start(of, api, tokenFrom(System.getenv()), options);
        System.out.println("OpenFlow on " + c.openflowAddress() + ", REST API on http://" + c.apiAddress().getHostString()
                + ":" + c.apiAddress().getPort() + RestApi.BASE);
        if (c.tokenGenerated()) {
            System.out.println("API token (set " + TOKEN_ENV + " to choose one): " + c.token());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            c.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Options with exactly the apps named in {@code list} (comma-separated: learning-switch, lldp, hosts, acl, arp-responder, overlay). */
    public static Options apps(String list, Options base) {
        java.util.Set<String> names = new java.util.HashSet<>(java.util.List.of(list.split(",")));
        for (String n : names) {
            if (!java.util.Set.of("learning-switch", "lldp", "hosts", "acl", "arp-responder", "overlay", "").contains(n)) {
                throw new IllegalArgumentException("unknown app '" + n + "' (learning-switch, lldp, hosts, acl, arp-responder, overlay)");
            }
        }
        return new Options(names.contains("learning-switch"), names.contains("lldp"), names.contains("hosts"),
                base.idleTimeout(), base.probeInterval(), base.openflow(), names.contains("acl"), names.contains("arp-responder"),
                names.contains("overlay"));
    }

    /** Parses HOST:PORT. */
    public static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("want HOST:PORT, not '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
