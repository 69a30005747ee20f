package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.network.Chain;
import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.controller.network.NetworkService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /chains: list, add; /chains/{name}: get, delete (service chains of the overlay). */
final class ChainResource {
    private final NetworkService networks;

    ChainResource(NetworkService networks) {
        this.networks = networks;
    }

    ApiResponse list(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        networks.chains().forEach(c -> a.add(chain(c)));
        return ApiResponse.ok(a);
    }

    ApiResponse get(ApiRequest r) {
        String name = r.pathParams().get("name");
        return ApiResponse.ok(chain(networks.chain(name).orElseThrow(() -> new NetworkException(NetworkException.Kind.NOT_FOUND,
                "no chain " + name, "name"))));
    }

    CompletableFuture<ApiResponse> add(ApiRequest r) {
        JsonNode b = r.body();
        List<Chain.Hop> hops = new ArrayList<>();
        for (JsonNode h : b.path("hops")) {
            hops.add(new Chain.Hop(ApiRequest.dpid("hops", h.path("dpid").asText()), h.path("port").asLong()));
        }
        Chain c = new Chain(b.path("name").asText(), b.path("network").asText(), hops);
        return networks.addChain(c).thenApply(x -> new ApiResponse(201, chain(x)));
    }

    CompletableFuture<ApiResponse> delete(ApiRequest r) {
        return networks.removeChain(r.pathParams().get("name")).thenApply(c -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", c.name());
            return ApiResponse.ok(o);
        });
    }

    private static ObjectNode chain(Chain c) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("name", c.name());
        o.put("network", c.network());
        ArrayNode hops = o.putArray("hops");
        for (Chain.Hop h : c.hops()) {
            hops.addObject().put("dpid", h.dpid().toString()).put("port", h.port());
        }
        return o;
    }
}
