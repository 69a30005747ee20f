package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.group.GroupRule;
import dev.iovirt.controller.group.GroupService;
import java.util.concurrent.CompletableFuture;

/** /switches/{dpid}/groups: list (live from the switch), add, and /groups/{groupId}: delete. */
final class GroupResource {
    private final GroupService groups;

    GroupResource(GroupService groups) {
        this.groups = groups;
    }

    CompletableFuture<ApiResponse> list(ApiRequest r) {
        return groups.groups(r.dpid()).thenApply(all -> {
            ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
            all.forEach(g -> a.add(JsonCodecs.group(g)));
            return ApiResponse.ok(a);
        });
    }

    CompletableFuture<ApiResponse> add(ApiRequest r) {
        GroupRule rule = JsonCodecs.group(r.body());
        return groups.add(r.dpid(), rule).thenApply(v -> new ApiResponse(201, JsonCodecs.group(rule)));
    }

    CompletableFuture<ApiResponse> delete(ApiRequest r) {
        long id = Long.parseLong(r.pathParams().get("groupId"));
        return groups.remove(r.dpid(), id).thenApply(v -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", id);
            return ApiResponse.ok(o);
        });
    }
}
