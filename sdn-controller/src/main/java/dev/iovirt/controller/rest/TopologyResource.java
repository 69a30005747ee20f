package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.device.Device;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.host.HostService;
import dev.iovirt.controller.topology.Link;
import dev.iovirt.controller.topology.TopologyService;
import dev.iovirt.openflow.DatapathId;
import java.util.List;

/** /hosts, /topology and /topology/path. */
final class TopologyResource {
    private final DeviceService devices;
    private final HostService hosts;
    private final TopologyService topology;

    TopologyResource(DeviceService devices, HostService hosts, TopologyService topology) {
        this.devices = devices;
        this.hosts = hosts;
        this.topology = topology;
    }

    ApiResponse hosts(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        hosts.hosts().forEach(h -> a.add(JsonCodecs.host(h)));
        return ApiResponse.ok(a);
    }

    ApiResponse topology(ApiRequest r) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        ArrayNode nodes = o.putArray("nodes");
        for (Device d : devices.devices()) {
            nodes.addObject().put("dpid", d.id().toString()).put("n_ports", devices.ports(d.id()).size());
        }
        ArrayNode links = o.putArray("links");
        topology.links().forEach(l -> links.add(JsonCodecs.link(l)));
        return ApiResponse.ok(o);
    }

    ApiResponse path(ApiRequest r) {
        DatapathId src = ApiRequest.dpid("src", r.queryParams().get("src"));
        DatapathId dst = ApiRequest.dpid("dst", r.queryParams().get("dst"));
        for (var end : List.of(new Object[] {src, "src"}, new Object[] {dst, "dst"})) {
            if (devices.device((DatapathId) end[0]).isEmpty()) {
                throw new ApiException(404, "no switch with datapath id " + end[0] + " is connected", (String) end[1]);
            }
        }
        List<Link> path = topology.path(src, dst)
                .orElseThrow(() -> new ApiException(404, "no path from " + src + " to " + dst, null));
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("src", src.toString()).put("dst", dst.toString()).put("hops", path.size());
        ArrayNode links = o.putArray("links");
        path.forEach(l -> links.add(JsonCodecs.link(l)));
        return ApiResponse.ok(o);
    }
}
