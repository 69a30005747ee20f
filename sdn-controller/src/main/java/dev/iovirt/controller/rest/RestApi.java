package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iovirt.controller.acl.AclNotRunningException;
import dev.iovirt.controller.acl.AclService;
import dev.iovirt.controller.acl.UnknownAclRuleException;
import dev.iovirt.controller.app.ArpResponder;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.controller.flow.FlowRuleException;
import dev.iovirt.controller.flow.FlowRuleService;
import dev.iovirt.controller.group.GroupService;
import dev.iovirt.controller.host.HostService;
import dev.iovirt.controller.meter.MeterService;
import dev.iovirt.controller.meter.UnknownMeterException;
import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.controller.network.NetworkService;
import dev.iovirt.controller.sfc.SfcApp;
import dev.iovirt.controller.sfc.SfcManager;
import dev.iovirt.controller.openflow.OpenFlowController;
import dev.iovirt.controller.openflow.OpenFlowErrorException;
import dev.iovirt.controller.openflow.RequestTimeoutException;
import dev.iovirt.controller.openflow.SwitchDisconnectedException;
import dev.iovirt.controller.topology.TopologyService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The northbound REST API on Vert.x, under {@code /api/v1}.
 *
 * <pre>
 * HTTP request ─▶ route ─▶ bearer check (state-changing methods) ─▶ OpenApiValidator (operationId)
 *              ─▶ resource (thin: service call + codec) ─▶ JSON response
 *              └─ any refusal ─▶ {"error": "...", "field": ...} with its 4xx
 * </pre>
 *
 * Every route is declared with the {@code operationId} of the OpenAPI document, and
 * {@link #start} refuses to run if the document and the routes disagree.
 */
public final class RestApi implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RestApi.class.getName());
    /** The API's base path. */
    public static final String BASE = "/api/v1";

    private final OpenApiValidator validator = OpenApiValidator.load();
    private final BearerAuth auth;
    private final SwitchResource switches;
    private final FlowResource flows;
    private final GroupResource groups;
    private final MeterResource meters;
    private final AclResource acls;
    private final ArpResource arp;
    private final NetworkResource networks;
    private final SfcResource sfc;
    private final TopologyResource topology;
    private final StatisticsResource statistics;
    private final EventStream events = new EventStream();
    private final Set<String> routed = new HashSet<>();
    private Vertx vertx;
    private Router router;
    private HttpServer server;

    public RestApi(String token, DeviceService devices, FlowRuleService flowService, GroupService groupService,
                   MeterService meterService, AclService aclService, ArpResponder arp, HostService hosts, TopologyService topologyService, OpenFlowController openflow,
                   NetworkService networkService, SfcManager sfcManager, SfcApp sfcApp) {
        this.auth = new BearerAuth(token);
        this.switches = new SwitchResource(devices, openflow);
        this.flows = new FlowResource(flowService);
        this.groups = new GroupResource(groupService);
        this.meters = new MeterResource(meterService);
        this.acls = new AclResource(aclService);
        this.arp = new ArpResource(arp);
        this.networks = new NetworkResource(networkService);
        this.sfc = new SfcResource(sfcManager, sfcApp);
        this.topology = new TopologyResource(devices, hosts, topologyService);
        this.statistics = new StatisticsResource(devices);
        devices.addListener(events);
        flowService.addListener(events);
        hosts.addListener(events);
        topologyService.addListener(events);
    }

    /** Listens on {@code address} (port 0 for any); returns the bound address. */
    public synchronized InetSocketAddress start(InetSocketAddress address) throws Exception {
        vertx = Vertx.vertx();
        router = Router.router(vertx);
        router.route(BASE + "/*").handler(BodyHandler.create().setBodyLimit(1 << 20));

        sync(router, HttpMethod.GET, "/switches", "listSwitches", switches::list);
        sync(router, HttpMethod.GET, "/switches/:dpid", "getSwitch", switches::get);
        sync(router, HttpMethod.GET, "/switches/:dpid/ports", "listPorts", switches::ports);
        async(router, HttpMethod.GET, "/switches/:dpid/flows", "listFlows", flows::list);
        async(router, HttpMethod.POST, "/switches/:dpid/flows", "addFlow", flows::add);
        async(router, HttpMethod.DELETE, "/switches/:dpid/flows", "deleteFlows", flows::delete);
        async(router, HttpMethod.GET, "/switches/:dpid/groups", "listGroups", groups::list);
        async(router, HttpMethod.POST, "/switches/:dpid/groups", "addGroup", groups::add);
        async(router, HttpMethod.DELETE, "/switches/:dpid/groups/:groupId", "deleteGroup", groups::delete);
        async(router, HttpMethod.GET, "/switches/:dpid/meters", "listMeters", meters::list);
        async(router, HttpMethod.POST, "/switches/:dpid/meters", "addMeter", meters::add);
        async(router, HttpMethod.GET, "/switches/:dpid/meters/:meterId", "getMeter", meters::get);
        async(router, HttpMethod.DELETE, "/switches/:dpid/meters/:meterId", "deleteMeter", meters::delete);
        async(router, HttpMethod.POST, "/switches/:dpid/role", "requestRole", switches::role);
        sync(router, HttpMethod.GET, "/acls", "listAcls", acls::list);
        async(router, HttpMethod.POST, "/acls", "addAcl", acls::add);
        sync(router, HttpMethod.GET, "/acls/:id", "getAcl", acls::get);
        async(router, HttpMethod.DELETE, "/acls/:id", "deleteAcl", acls::delete);
        sync(router, HttpMethod.GET, "/arp/static", "listArpEntries", arp::list);
        sync(router, HttpMethod.POST, "/arp/static", "addArpEntry", arp::add);
        sync(router, HttpMethod.DELETE, "/arp/static/:ip", "deleteArpEntry", arp::delete);
        // The tunnels before /networks/:name, which would take "tunnels" for a name (a name the manager refuses).
        sync(router, HttpMethod.GET, "/networks/tunnels", "listTunnels", networks::tunnels);
        async(router, HttpMethod.POST, "/networks/tunnels", "addTunnel", networks::addTunnel);
        async(router, HttpMethod.DELETE, "/networks/tunnels/:dpid/:port", "deleteTunnel", networks::deleteTunnel);
        sync(router, HttpMethod.GET, "/networks", "listNetworks", networks::list);
        async(router, HttpMethod.POST, "/networks", "addNetwork", networks::add);
        sync(router, HttpMethod.GET, "/networks/:name", "getNetwork", networks::get);
        async(router, HttpMethod.DELETE, "/networks/:name", "deleteNetwork", networks::delete);
        async(router, HttpMethod.POST, "/networks/:name/members", "addMember", networks::addMember);
        async(router, HttpMethod.DELETE, "/networks/:name/members/:mac", "deleteMember", networks::deleteMember);
        sync(router, HttpMethod.GET, "/sfc/port-pairs", "listPortPairs", sfc::listPairs);
        async(router, HttpMethod.POST, "/sfc/port-pairs", "addPortPair", sfc::addPair);
        sync(router, HttpMethod.GET, "/sfc/port-pairs/:name", "getPortPair", sfc::getPair);
        async(router, HttpMethod.DELETE, "/sfc/port-pairs/:name", "deletePortPair", sfc::deletePair);
        sync(router, HttpMethod.GET, "/sfc/port-pair-groups", "listPortPairGroups", sfc::listGroups);
        async(router, HttpMethod.POST, "/sfc/port-pair-groups", "addPortPairGroup", sfc::addGroup);
        sync(router, HttpMethod.GET, "/sfc/port-pair-groups/:name", "getPortPairGroup", sfc::getGroup);
        async(router, HttpMethod.DELETE, "/sfc/port-pair-groups/:name", "deletePortPairGroup", sfc::deleteGroup);
        sync(router, HttpMethod.GET, "/sfc/flow-classifiers", "listFlowClassifiers", sfc::listClassifiers);
        async(router, HttpMethod.POST, "/sfc/flow-classifiers", "addFlowClassifier", sfc::addClassifier);
        sync(router, HttpMethod.GET, "/sfc/flow-classifiers/:name", "getFlowClassifier", sfc::getClassifier);
        async(router, HttpMethod.DELETE, "/sfc/flow-classifiers/:name", "deleteFlowClassifier", sfc::deleteClassifier);
        sync(router, HttpMethod.GET, "/sfc/port-chains", "listPortChains", sfc::listChains);
        async(router, HttpMethod.POST, "/sfc/port-chains", "addPortChain", sfc::addChain);
        sync(router, HttpMethod.GET, "/sfc/port-chains/:name", "getPortChain", sfc::getChain);
        async(router, HttpMethod.DELETE, "/sfc/port-chains/:name", "deletePortChain", sfc::deleteChain);
        async(router, HttpMethod.GET, "/sfc/port-chains/:name/counters", "getPortChainCounters", sfc::counters);
        sync(router, HttpMethod.GET, "/hosts", "listHosts", topology::hosts);
        sync(router, HttpMethod.GET, "/topology", "getTopology", topology::topology);
        sync(router, HttpMethod.GET, "/topology/path", "getPath", topology::path);
        sync(router, HttpMethod.GET, "/topology/paths", "getPaths", topology::paths);
        async(router, HttpMethod.GET, "/statistics/ports", "portStatistics", statistics::ports);
        routed.add("events");
        router.route(HttpMethod.GET, BASE + "/events").handler(events::subscribe);
        routed.add("openapi");
        router.route(HttpMethod.GET, BASE + "/openapi.yaml").handler(rc -> rc.response()
                .putHeader("Content-Type", "application/yaml").end(validator.text()));

        if (!routed.equals(validator.operationIds())) {
            throw new IllegalStateException("OpenAPI document and routes disagree: document " + validator.operationIds()
                    + ", routes " + routed);
        }
        router.errorHandler(404, rc -> json(rc, 404, JsonCodecs.error("no such resource: " + rc.request().method()
                + " " + rc.request().path(), null)));
        router.errorHandler(405, rc -> json(rc, 405, JsonCodecs.error("method " + rc.request().method()
                + " not allowed on " + rc.request().path(), null)));
        router.errorHandler(413, rc -> json(rc, 413, JsonCodecs.error("request body larger than 1 MiB", null)));
        router.errorHandler(500, rc -> json(rc, 500, JsonCodecs.error("internal error: " + rc.failure(), null)));

        server = vertx.createHttpServer().requestHandler(router);
        server.listen(address.getPort(), address.getHostString()).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return new InetSocketAddress(address.getAddress(), server.actualPort());
    }

    /** The port the server listens on. */
    public int port() {
        return server.actualPort();
    }

    /**
     * Adds a resource that is not the controller's own, for a program that embeds the controller and
     * serves resources of its own beside it ({@code iovirt run --keep} serves its captures):
     * {@code method} on {@link #BASE}{@code + path} (Vert.x path syntax, {@code :id} for a path
     * parameter), answered by {@code resource} the way the controller's routes are: a method that
     * changes state (not GET or HEAD) needs the bearer token, checked first; an {@link ApiException}
     * becomes its status and the error body; the answer is JSON. The OpenAPI document does not
     * describe an added route, so its body is only parsed (415 if it is not {@code application/json},
     * 400 if it is not JSON) and the resource validates what it reads. Routes may be added while the
     * API serves: Vert.x's router replaces its routes copy-on-write.
     *
     * @throws IllegalStateException if the API has not started, or {@code path} is one of the
     *     controller's own paths
     */
    public synchronized void addRoute(String method, String path, Function<ApiRequest, CompletableFuture<ApiResponse>> resource) {
        if (router == null) {
            throw new IllegalStateException("the REST API has not started");
        }
        String under = path.startsWith("/") ? path.substring(1) : path;
        String first = under.contains("/") ? under.substring(0, under.indexOf('/')) : under;
        if (OWN_RESOURCES.contains(first)) {
            throw new IllegalStateException(BASE + path + " is under the controller's own /" + first);
        }
        HttpMethod m = HttpMethod.valueOf(method);
        boolean changesState = m != HttpMethod.GET && m != HttpMethod.HEAD;
        router.route(m, BASE + path).handler(rc -> serve(rc, changesState, body -> {
            if (body == null || body.isBlank()) {
                return null;
            }
            String type = rc.request().getHeader("Content-Type");
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                throw new ApiException(415, "the request body must be application/json, not " + type, null);
            }
            try {
                return JsonCodecs.MAPPER.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ApiException(400, "the request body is not valid JSON: " + e.getOriginalMessage(), null);
            }
        }, resource));
    }

    /** The first path segments of the controller's own resources, which {@link #addRoute} may not take. */
    private static final Set<String> OWN_RESOURCES = Set.of("switches", "acls", "arp", "networks", "sfc", "hosts", "topology",
            "statistics", "events", "openapi.yaml");

    private void sync(Router router, HttpMethod method, String path, String operationId, Function<ApiRequest, ApiResponse> resource) {
        async(router, method, path, operationId, r -> CompletableFuture.completedFuture(resource.apply(r)));
    }

    private void async(Router router, HttpMethod method, String path, String operationId,
                       Function<ApiRequest, CompletableFuture<ApiResponse>> resource) {
        routed.add(operationId);
        boolean changesState = method != HttpMethod.GET && method != HttpMethod.HEAD;
        router.route(method, BASE + path).handler(rc -> serve(rc, changesState,
                body -> validator.validate(operationId, rc.pathParams(), query(rc), rc.request().getHeader("Content-Type"), body),
                resource));
    }

    private static Map<String, String> query(RoutingContext rc) {
        Map<String, String> query = new HashMap<>();
        rc.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        return query;
    }

    /** Answers {@code rc}: the bearer check if it changes state, the body through {@code parse}, then {@code resource}. */
    private void serve(RoutingContext rc, boolean changesState, Function<String, JsonNode> parse,
                       Function<ApiRequest, CompletableFuture<ApiResponse>> resource) {
        Context context = Vertx.currentContext();
        CompletableFuture<ApiResponse> result;
        try {
            if (changesState) {
                auth.check(rc.request().getHeader("Authorization"));
            }
            String body = rc.body() == null ? null : rc.body().asString();
            JsonNode parsed = parse.apply(body);
            result = resource.apply(new ApiRequest(Map.copyOf(rc.pathParams()), Map.copyOf(query(rc)), parsed));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((response, failure) -> context.runOnContext(v -> {
            if (failure == null) {
                json(rc, response.status(), response.body());
            } else {
                fail(rc, failure);
            }
        }));
    }

    private static void fail(RoutingContext rc, Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        switch (e) {
            case ApiException a -> {
                if (a.status() == 401) {
                    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"iovirt\"");
                }
                json(rc, a.status(), JsonCodecs.error(a.getMessage(), a.field()));
            }
            case FlowRuleException f -> json(rc, 400, JsonCodecs.error(f.getMessage(), f.field()));
            case UnknownDeviceException u -> json(rc, 404, JsonCodecs.error(u.getMessage(), "dpid"));
            case UnknownMeterException u -> json(rc, 404, JsonCodecs.error(u.getMessage(), "meterId"));
            case UnknownAclRuleException u -> json(rc, 404, JsonCodecs.error(u.getMessage(), "id"));
            case NetworkException n -> json(rc, switch (n.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case INVALID -> 400;
            }, JsonCodecs.error(n.getMessage(), n.field()));
            case AclNotRunningException n -> json(rc, 409, JsonCodecs.error(n.getMessage(), null));
            case OpenFlowErrorException o -> json(rc, 409, JsonCodecs.error(o.getMessage(), null));
            case SwitchDisconnectedException d -> json(rc, 503, JsonCodecs.error(d.getMessage(), null));
            case RequestTimeoutException t -> json(rc, 504, JsonCodecs.error(t.getMessage(), null));
            default -> {
                LOG.log(Level.WARNING, "REST call failed", e);
                json(rc, 500, JsonCodecs.error("internal error: " + e, null));
            }
        }
    }

    private static void json(RoutingContext rc, int status, JsonNode body) {
        if (rc.response().ended()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    @Override
    public synchronized void close() {
        if (vertx == null) {
            return;
        }
        events.closeAll();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Vert.x did not close cleanly", e);
        }
        vertx = null;
    }
}
