package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.device.Device;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.controller.openflow.OpenFlowController;
import dev.iovirt.openflow.ControllerRole;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** /switches, /switches/{dpid}, /switches/{dpid}/ports and /switches/{dpid}/role. */
final class SwitchResource {
    private final DeviceService devices;
    private final OpenFlowController openflow;

    SwitchResource(DeviceService devices, OpenFlowController openflow) {
        this.devices = devices;
        this.openflow = openflow;
    }

    ApiResponse list(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        for (Device d : devices.devices()) {
            a.add(JsonCodecs.device(d, null).put("n_ports", devices.ports(d.id()).size()));
        }
        return ApiResponse.ok(a);
    }

    ApiResponse get(ApiRequest r) {
        Device d = devices.device(r.dpid()).orElseThrow(() -> new UnknownDeviceException(r.dpid()));
        return ApiResponse.ok(JsonCodecs.device(d, devices.ports(d.id())));
    }

    ApiResponse ports(ApiRequest r) {
        Device d = devices.device(r.dpid()).orElseThrow(() -> new UnknownDeviceException(r.dpid()));
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        devices.ports(d.id()).forEach(p -> a.add(JsonCodecs.port(p)));
        return ApiResponse.ok(a);
    }

    CompletableFuture<ApiResponse> role(ApiRequest r) {
        var sw = openflow.getSwitch(r.dpid()).orElseThrow(() -> new UnknownDeviceException(r.dpid()));
        ControllerRole want = ControllerRole.valueOf(r.body().get("role").asText().toUpperCase(Locale.ROOT));
        long generation = r.body().path("generation_id").asLong(0);
        return sw.requestRole(want, generation).thenApply(got -> {
            ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
            o.put("dpid", sw.dpid().toString());
            o.put("role", got.name().toLowerCase(Locale.ROOT));
            return ApiResponse.ok(o);
        });
    }
}
