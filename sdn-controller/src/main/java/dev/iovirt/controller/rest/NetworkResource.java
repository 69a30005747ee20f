package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Network;
import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.controller.network.NetworkService;
import dev.iovirt.controller.network.Tunnel;
import java.util.concurrent.CompletableFuture;

/**
 * /networks: list, add; /networks/{name}: get, delete; /networks/{name}/members: add,
 * /networks/{name}/members/{mac}: delete; /networks/tunnels: list, add;
 * /networks/tunnels/{dpid}/{port}: delete.
 */
final class NetworkResource {
    private final NetworkService networks;

    NetworkResource(NetworkService networks) {
        this.networks = networks;
    }

    ApiResponse list(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        networks.networks().forEach(n -> a.add(network(n)));
        return ApiResponse.ok(a);
    }

    ApiResponse get(ApiRequest r) {
        String name = r.pathParams().get("name");
        Network n = networks.network(name).orElseThrow(() -> new NetworkException(NetworkException.Kind.NOT_FOUND,
                "no network " + name, "name"));
        return ApiResponse.ok(network(n));
    }

    CompletableFuture<ApiResponse> add(ApiRequest r) {
        Network n = new Network(r.body().path("name").asText(), r.body().path("vni").asLong());
        return networks.add(n).thenApply(x -> new ApiResponse(201, network(x)));
    }

    CompletableFuture<ApiResponse> delete(ApiRequest r) {
        return networks.remove(r.pathParams().get("name")).thenApply(n -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", n.name());
            return ApiResponse.ok(o);
        });
    }

    CompletableFuture<ApiResponse> addMember(ApiRequest r) {
        JsonNode b = r.body();
        Member m = new Member(r.pathParams().get("name"), ApiRequest.dpid("dpid", b.path("dpid").asText()), b.path("port").asLong(),
                b.path("mac").asText(), b.hasNonNull("ipv4") ? b.path("ipv4").asText() : null);
        return networks.addMember(m).thenApply(x -> new ApiResponse(201, member(x)));
    }

    CompletableFuture<ApiResponse> deleteMember(ApiRequest r) {
        return networks.removeMember(r.pathParams().get("name"), r.pathParams().get("mac")).thenApply(m -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", m.mac());
            return ApiResponse.ok(o);
        });
    }

    ApiResponse tunnels(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        networks.tunnels().forEach(t -> a.add(tunnel(t)));
        return ApiResponse.ok(a);
    }

    CompletableFuture<ApiResponse> addTunnel(ApiRequest r) {
        JsonNode b = r.body();
        Tunnel t = new Tunnel(ApiRequest.dpid("dpid", b.path("dpid").asText()), b.path("port").asLong(),
                ApiRequest.dpid("remote_dpid", b.path("remote_dpid").asText()));
        return networks.addTunnel(t).thenApply(x -> new ApiResponse(201, tunnel(x)));
    }

    CompletableFuture<ApiResponse> deleteTunnel(ApiRequest r) {
        long port = Long.parseLong(r.pathParams().get("port"));
        return networks.removeTunnel(r.dpid(), port).thenApply(t -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.set("deleted", tunnel(t));
            return ApiResponse.ok(o);
        });
    }

    private ObjectNode network(Network n) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("name", n.name());
        o.put("vni", n.vni());
        ArrayNode ms = o.putArray("members");
        networks.members(n.name()).forEach(m -> ms.add(member(m)));
        return o;
    }

    private static ObjectNode member(Member m) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("network", m.network());
        o.put("dpid", m.dpid().toString());
        o.put("port", m.port());
        o.put("mac", m.mac());
        if (m.ipv4() != null) {
            o.put("ipv4", m.ipv4());
        }
        return o;
    }

    private static ObjectNode tunnel(Tunnel t) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("dpid", t.dpid().toString());
        o.put("port", t.port());
        o.put("remote_dpid", t.remote().toString());
        return o;
    }
}
