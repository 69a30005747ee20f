package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRuleService;
import java.util.concurrent.CompletableFuture;

/** /switches/{dpid}/flows: list (live from the switch), add, delete. */
final class FlowResource {
    private final FlowRuleService flows;

    FlowResource(FlowRuleService flows) {
        this.flows = flows;
    }

    CompletableFuture<ApiResponse> list(ApiRequest r) {
        return flows.flows(r.dpid()).thenApply(entries -> {
            ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
            entries.forEach(e -> a.add(JsonCodecs.flowEntry(e)));
            return ApiResponse.ok(a);
        });
    }

    CompletableFuture<ApiResponse> add(ApiRequest r) {
        FlowRule rule = JsonCodecs.flowRule(r.body());
        return flows.add(r.dpid(), rule).thenApply(applied -> {
            ObjectNode o = JsonCodecs.flowRule(rule);
            o.put("flow", applied.toFlowString());
            return new ApiResponse(201, o);
        });
    }

    CompletableFuture<ApiResponse> delete(ApiRequest r) {
        return flows.remove(r.dpid(), JsonCodecs.flowSelector(r.body())).thenApply(applied -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", applied.toFlowString());
            o.put("strict", applied.command() == dev.iovirt.openflow.FlowModCommand.DELETE_STRICT);
            return ApiResponse.ok(o);
        });
    }
}
