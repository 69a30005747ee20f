package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.device.Device;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /statistics/ports: port counters asked of every switch (or one) at once. */
final class StatisticsResource {
    private final DeviceService devices;

    StatisticsResource(DeviceService devices) {
        this.devices = devices;
    }

    CompletableFuture<ApiResponse> ports(ApiRequest r) {
        List<Device> which;
        String only = r.queryParams().get("dpid");
        if (only != null) {
            DatapathId id = ApiRequest.dpid("dpid", only);
            which = List.of(devices.device(id).orElseThrow(() -> new UnknownDeviceException(id)));
        } else {
            which = devices.devices();
        }
        List<CompletableFuture<ObjectNode>> parts = new ArrayList<>();
        for (Device d : which) {
            parts.add(devices.portStatistics(d.id()).thenApply(stats -> {
                ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
                o.put("dpid", d.id().toString());
                ArrayNode a = o.putArray("ports");
                for (PortStats s : stats) {
                    a.add(JsonCodecs.portStats(s));
                }
                return o;
            }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
            parts.forEach(p -> a.add(p.join()));
            return ApiResponse.ok(a);
        });
    }
}
