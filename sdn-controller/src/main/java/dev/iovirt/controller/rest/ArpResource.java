package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.app.ArpResponder;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.util.Map;

/** /arp/static: the ARP responder's static entries: list, add; /arp/static/{ip}: delete. */
final class ArpResource {
    private final ArpResponder arp;

    ArpResource(ArpResponder arp) {
        this.arp = arp;
    }

    ApiResponse list(ApiRequest r) {
        ArrayNode a = JsonCodecs.MAPPER.createArrayNode();
        for (Map.Entry<Ipv4Address, MacAddress> e : arp.statics().entrySet()) {
            a.add(entry(e.getKey(), e.getValue()));
        }
        return ApiResponse.ok(a);
    }

    ApiResponse add(ApiRequest r) {
        if (!arp.running()) {
            throw new ApiException(409, "the ARP responder is not running (start the controller with --apps arp-responder,...)", null);
        }
        Ipv4Address ip = parse("ip", r.body().path("ip").asText(), Ipv4Address::of);
        MacAddress mac = parse("mac", r.body().path("mac").asText(), MacAddress::of);
        arp.addStatic(ip, mac);
        return new ApiResponse(201, entry(ip, mac));
    }

    ApiResponse delete(ApiRequest r) {
        Ipv4Address ip = parse("ip", r.pathParams().get("ip"), Ipv4Address::of);
        if (!arp.removeStatic(ip)) {
            throw new ApiException(404, "no static ARP entry for " + ip, "ip");
        }
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("deleted", ip.toString());
        return ApiResponse.ok(o);
    }

    private static ObjectNode entry(Ipv4Address ip, MacAddress mac) {
        ObjectNode o = JsonCodecs.MAPPER.createObjectNode();
        o.put("ip", ip.toString());
        o.put("mac", mac.toString());
        return o;
    }

    private static <T> T parse(String field, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new ApiException(400, field + ": " + e.getMessage(), field);
        }
    }
}
