package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.meter.MeterRule;
import dev.iovirt.controller.meter.MeterService;
import dev.iovirt.controller.meter.UnknownMeterException;
import java.util.concurrent.CompletableFuture;

/** /switches/{dpid}/meters: list (live from the switch), add; /meters/{meterId}: get, delete. */
final class MeterResource {
    private final MeterService meters;

    MeterResource(MeterService meters) {
        this.meters = meters;
    }

    CompletableFuture<ApiResponse> list(ApiRequest r) {
        return meters.meters(r.dpid()).thenApply(all -> {
            ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
            all.forEach(m -> a.add(JsonCodecs.meter(m)));
            return ApiResponse.ok(a);
        });
    }

    CompletableFuture<ApiResponse> get(ApiRequest r) {
        long id = Long.parseLong(r.pathParams().get("meterId"));
        return meters.meter(r.dpid(), id).thenApply(m -> ApiResponse.ok(JsonCodecs.meter(
                m.orElseThrow(() -> new UnknownMeterException(r.dpid(), id)))));
    }

    CompletableFuture<ApiResponse> add(ApiRequest r) {
        MeterRule rule = JsonCodecs.meter(r.body());
        return meters.add(r.dpid(), rule).thenApply(v -> new ApiResponse(201, JsonCodecs.meter(rule)));
    }

    CompletableFuture<ApiResponse> delete(ApiRequest r) {
        long id = Long.parseLong(r.pathParams().get("meterId"));
        return meters.remove(r.dpid(), id).thenApply(v -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("deleted", id);
            return ApiResponse.ok(o);
        });
    }
}
