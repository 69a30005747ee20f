package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.controller.sfc.ChainRenderer;
import dev.iovirt.controller.sfc.FlowClassifier;
import dev.iovirt.controller.sfc.HopPort;
import dev.iovirt.controller.sfc.PortChain;
import dev.iovirt.controller.sfc.PortPair;
import dev.iovirt.controller.sfc.PortPairGroup;
import dev.iovirt.controller.sfc.SfcApp;
import dev.iovirt.controller.sfc.SfcManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * /sfc/port-pairs, /sfc/port-pair-groups, /sfc/flow-classifiers, /sfc/port-chains: list, add; their
 * /{name}: get, delete; /sfc/port-chains/{name}/counters: the chain's per-hop counters.
 */
final class SfcResource {
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17, "icmp", 1);

    private final SfcManager sfc;
    private final SfcApp app;

    SfcResource(SfcManager sfc, SfcApp app) {
        this.sfc = sfc;
        this.app = app;
    }

    // ---------------------------------------------------------------- port pairs

    ApiResponse listPairs(ApiRequest r) {
        return list(sfc.portPairs(), SfcResource::pair);
    }

    ApiResponse getPair(ApiRequest r) {
        return get(r, sfc::portPair, "port pair", SfcResource::pair);
    }

    CompletableFuture<ApiResponse> addPair(ApiRequest r) {
        JsonNode b = r.body();
        PortPair p = new PortPair(b.path("name").asText(), hopPort(b.path("ingress"), "ingress"), hopPort(b.path("egress"), "egress"));
        return sfc.addPortPair(p).thenApply(x -> new ApiResponse(201, pair(x)));
    }

    CompletableFuture<ApiResponse> deletePair(ApiRequest r) {
        return sfc.removePortPair(r.pathParams().get("name")).thenApply(x -> deleted(x.name()));
    }

    // ---------------------------------------------------------------- port-pair groups

    ApiResponse listGroups(ApiRequest r) {
        return list(sfc.portPairGroups(), SfcResource::group);
    }

    ApiResponse getGroup(ApiRequest r) {
        return get(r, sfc::portPairGroup, "port-pair group", SfcResource::group);
    }

    CompletableFuture<ApiResponse> addGroup(ApiRequest r) {
        JsonNode b = r.body();
        PortPairGroup g = new PortPairGroup(b.path("name").asText(), strings(b.path("port_pairs")));
        return sfc.addPortPairGroup(g).thenApply(x -> new ApiResponse(201, group(x)));
    }

    CompletableFuture<ApiResponse> deleteGroup(ApiRequest r) {
        return sfc.removePortPairGroup(r.pathParams().get("name")).thenApply(x -> deleted(x.name()));
    }

    // ---------------------------------------------------------------- flow classifiers

    ApiResponse listClassifiers(ApiRequest r) {
        return list(sfc.flowClassifiers(), SfcResource::classifier);
    }

    ApiResponse getClassifier(ApiRequest r) {
        return get(r, sfc::flowClassifier, "flow classifier", SfcResource::classifier);
    }

    CompletableFuture<ApiResponse> addClassifier(ApiRequest r) {
        JsonNode b = r.body();
        FlowClassifier c = new FlowClassifier(b.path("name").asText(), b.path("network").asText(),
                b.hasNonNull("protocol") ? PROTOCOLS.get(b.path("protocol").asText()) : null, text(b, "source_ip_prefix"),
                text(b, "destination_ip_prefix"), port(b, "source_port"), port(b, "destination_port"), text(b, "logical_source_port"));
        return sfc.addFlowClassifier(c).thenApply(x -> new ApiResponse(201, classifier(x)));
    }

    CompletableFuture<ApiResponse> deleteClassifier(ApiRequest r) {
        return sfc.removeFlowClassifier(r.pathParams().get("name")).thenApply(x -> deleted(x.name()));
    }

    /** A single port from networking-sfc's min/max pair: ranges (min &lt; max) are refused. */
    private static Integer port(JsonNode b, String prefix) {
        String min = prefix + "_range_min";
        String max = prefix + "_range_max";
        if (b.hasNonNull(min) && b.hasNonNull(max) && b.path(min).asInt() != b.path(max).asInt()) {
            throw new NetworkException(NetworkException.Kind.INVALID, "port ranges are not supported: " + max + " must equal " + min
                    + " (one port), or leave it out", max);
        }
        return b.hasNonNull(min) ? Integer.valueOf(b.path(min).asInt()) : b.hasNonNull(max) ? Integer.valueOf(b.path(max).asInt()) : null;
    }

    // ---------------------------------------------------------------- port chains

    ApiResponse listChains(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        sfc.portChains().forEach(c -> a.add(chain(c)));
        return ApiResponse.ok(a);
    }

    ApiResponse getChain(ApiRequest r) {
        return get(r, sfc::portChain, "port chain", this::chain);
    }

    CompletableFuture<ApiResponse> addChain(ApiRequest r) {
        JsonNode b = r.body();
        JsonNode params = b.path("chain_parameters");
        boolean symmetric = !params.has("symmetric") || params.path("symmetric").asBoolean();
        PortChain c = new PortChain(b.path("name").asText(), strings(b.path("port_pair_groups")), strings(b.path("flow_classifiers")),
                symmetric);
        return sfc.addPortChain(c).thenApply(x -> new ApiResponse(201, chain(x)));
    }

    CompletableFuture<ApiResponse> deleteChain(ApiRequest r) {
        return sfc.removePortChain(r.pathParams().get("name")).thenApply(x -> deleted(x.name()));
    }

    CompletableFuture<ApiResponse> counters(ApiRequest r) {
        String name = r.pathParams().get("name");
        if (sfc.portChain(name).isEmpty()) {
            throw new NetworkException(NetworkException.Kind.NOT_FOUND, "no port chain " + name, "name");
        }
        if (app == null) {
            throw new NetworkException(NetworkException.Kind.CONFLICT, "the overlay app is not running (start the controller with "
                    + "--apps overlay,...): nothing is installed, nothing is counted", null);
        }
        return app.counters(name).thenApply(hops -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("name", name);
            ArrayNode a = o.putArray("hops");
            for (SfcApp.HopCounters h : hops) {
                ObjectNode x = a.addObject();
                x.put("port_pair_group", h.hop().group());
                x.put("port_pair", h.hop().pair());
                x.put("direction", h.hop().direction().apiName());
                x.set("entry", hopPort(h.hop().entry()));
                x.set("exit", hopPort(h.hop().exit()));
                x.put("steering_id", h.hop().steeringId());
                x.put("packets", h.packets());
                x.put("bytes", h.bytes());
                x.put("selected_packets", h.selectedPackets());
                x.put("selected_bytes", h.selectedBytes());
            }
            return ApiResponse.ok(o);
        });
    }

    // ---------------------------------------------------------------- codecs

    private static <T> ApiResponse list(List<T> items, Function<T, ObjectNode> codec) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        items.forEach(i -> a.add(codec.apply(i)));
        return ApiResponse.ok(a);
    }

    private static <T> ApiResponse get(ApiRequest r, Function<String, Optional<T>> lookup, String what, Function<T, ObjectNode> codec) {
        String name = r.pathParams().get("name");
        return ApiResponse.ok(codec.apply(lookup.apply(name).orElseThrow(() ->
                new NetworkException(NetworkException.Kind.NOT_FOUND, "no " + what + " " + name, "name"))));
    }

    private static ApiResponse deleted(String name) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("deleted", name);
        return ApiResponse.ok(o);
    }

    private static HopPort hopPort(JsonNode n, String field) {
        return new HopPort(ApiRequest.dpid(field + ".dpid", n.path("dpid").asText()), n.path("port").asLong());
    }

    private static ObjectNode hopPort(HopPort h) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("dpid", h.dpid().toString());
        o.put("port", h.port());
        return o;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(JsonNode b, String field) {
        return b.hasNonNull(field) ? b.path(field).asText() : null;
    }

    private static ObjectNode pair(PortPair p) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("name", p.name());
        o.set("ingress", hopPort(p.ingress()));
        o.set("egress", hopPort(p.egress()));
        return o;
    }

    private static ObjectNode group(PortPairGroup g) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("name", g.name());
        ArrayNode a = o.putArray("port_pairs");
        g.portPairs().forEach(a::add);
        return o;
    }

    private static ObjectNode classifier(FlowClassifier c) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("name", c.name());
        o.put("network", c.network());
        o.put("ethertype", "IPv4");
        if (c.protocol() != null) {
            o.put("protocol", PROTOCOLS.entrySet().stream().filter(e -> e.getValue().equals(c.protocol())).findFirst()
                    .map(Map.Entry::getKey).orElse(Integer.toString(c.protocol())));
        }
        putIf(o, "source_ip_prefix", c.sourceIpPrefix());
        putIf(o, "destination_ip_prefix", c.destinationIpPrefix());
        if (c.sourcePort() != null) {
            o.put("source_port_range_min", c.sourcePort());
            o.put("source_port_range_max", c.sourcePort());
        }
        if (c.destinationPort() != null) {
            o.put("destination_port_range_min", c.destinationPort());
            o.put("destination_port_range_max", c.destinationPort());
        }
        putIf(o, "logical_source_port", c.logicalSourcePort());
        return o;
    }

    private static void putIf(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private ObjectNode chain(PortChain c) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("name", c.name());
        ArrayNode g = o.putArray("port_pair_groups");
        c.portPairGroups().forEach(g::add);
        ArrayNode f = o.putArray("flow_classifiers");
        c.flowClassifiers().forEach(f::add);
        o.putObject("chain_parameters").put("symmetric", c.symmetric());
        sfc.steeringBase(c.name()).ifPresent(b -> o.put("steering_id_base", b));
        o.put("cookie", "0x" + Long.toHexString(ChainRenderer.COOKIE | sfc.steeringBase(c.name()).orElse(0L)));
        return o;
    }
}
