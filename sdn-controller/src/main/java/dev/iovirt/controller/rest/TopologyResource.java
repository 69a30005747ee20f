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

/** /hosts, /topology, /topology/path and /topology/paths. */
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
        DatapathId src = connected(r, "src");
        DatapathId dst = connected(r, "dst");
        List<Link> path = topology.path(src, dst)
                .orElseThrow(() -> new ApiException(404, "no path from " + src + " to " + dst, null));
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("src", src.toString()).put("dst", dst.toString()).put("hops", path.size());
        ArrayNode links = o.putArray("links");
        path.forEach(l -> links.add(JsonCodecs.link(l)));
        return ApiResponse.ok(o);
    }

    /** /topology/paths: every equal-cost shortest path (ECMP). */
    ApiResponse paths(ApiRequest r) {
        DatapathId src = connected(r, "src");
        DatapathId dst = connected(r, "dst");
        List<List<Link>> all = topology.paths(src, dst);
        if (all.isEmpty()) {
            throw new ApiException(404, "no path from " + src + " to " + dst, null);
        }
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("src", src.toString()).put("dst", dst.toString()).put("hops", all.get(0).size());
        ArrayNode paths = o.putArray("paths");
        for (List<Link> path : all) {
            ArrayNode links = paths.addArray();
            path.forEach(l -> links.add(JsonCodecs.link(l)));
        }
        return ApiResponse.ok(o);
    }

    private DatapathId connected(ApiRequest r, String param) {
        DatapathId id = ApiRequest.dpid(param, r.queryParams().get(param));
        if (devices.device(id).isEmpty()) {
            throw new ApiException(404, "no switch with datapath id " + id + " is connected", param);
        }
        return id;
    }
}
