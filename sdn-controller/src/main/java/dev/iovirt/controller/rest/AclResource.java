package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.acl.AclService;
import dev.iovirt.controller.acl.UnknownAclRuleException;
import java.util.concurrent.CompletableFuture;

/** /acls: list, add; /acls/{id}: get, delete. */
final class AclResource {
    private final AclService acl;

    AclResource(AclService acl) {
        this.acl = acl;
    }

    ApiResponse list(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        acl.rules().forEach(rule -> a.add(JsonCodecs.acl(rule)));
        return ApiResponse.ok(a);
    }

    ApiResponse get(ApiRequest r) {
        long id = Long.parseLong(r.pathParams().get("id"));
        return ApiResponse.ok(JsonCodecs.acl(acl.rule(id).orElseThrow(() -> new UnknownAclRuleException(id))));
    }

    CompletableFuture<ApiResponse> add(ApiRequest r) {
        return acl.add(JsonCodecs.acl(r.body())).thenApply(rule -> new ApiResponse(201, JsonCodecs.acl(rule)));
    }

    CompletableFuture<ApiResponse> delete(ApiRequest r) {
        long id = Long.parseLong(r.pathParams().get("id"));
        return acl.remove(id).thenApply(v -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", id);
            return ApiResponse.ok(o);
        });
    }
}
