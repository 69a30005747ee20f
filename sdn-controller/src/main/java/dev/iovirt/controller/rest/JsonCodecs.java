package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iovirt.controller.device.Device;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.flow.FlowEntry;
import dev.iovirt.controller.flow.FlowEvent;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowSelector;
import dev.iovirt.controller.host.Host;
import dev.iovirt.controller.host.HostEvent;
import dev.iovirt.controller.topology.ConnectPoint;
import dev.iovirt.controller.topology.Link;
import dev.iovirt.controller.topology.LinkEvent;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortStats;
import dev.iovirt.packet.Ipv4Address;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of every type the API shows, one codec per type, snake_case names. Requests reach
 * {@link #flowRule}/{@link #flowSelector} only after {@link OpenApiValidator} has checked their
 * shape, so these decoders only convert.
 */
public final class JsonCodecs {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonCodecs() {
    }

    public static ObjectNode error(String message, String field) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", message);
        if (field == null) {
            o.putNull("field");
        } else {
            o.put("field", field);
        }
        return o;
    }

    public static ObjectNode device(Device d, List<Port> ports) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("dpid", d.id().toString());
        o.put("address", d.address());
        o.put("n_tables", d.nTables());
        o.put("n_buffers", d.nBuffers());
        ArrayNode caps = o.putArray("capabilities");
        int c = d.capabilities();
        // OF 1.3.5 §7.3.1, enum ofp_capabilities.
        if ((c & OfpFeaturesReply.CAP_FLOW_STATS) != 0) caps.add("flow_stats");
        if ((c & OfpFeaturesReply.CAP_TABLE_STATS) != 0) caps.add("table_stats");
        if ((c & OfpFeaturesReply.CAP_PORT_STATS) != 0) caps.add("port_stats");
        if ((c & OfpFeaturesReply.CAP_GROUP_STATS) != 0) caps.add("group_stats");
        if ((c & OfpFeaturesReply.CAP_IP_REASM) != 0) caps.add("ip_reasm");
        if ((c & OfpFeaturesReply.CAP_QUEUE_STATS) != 0) caps.add("queue_stats");
        if ((c & OfpFeaturesReply.CAP_PORT_BLOCKED) != 0) caps.add("port_blocked");
        o.put("connected_since", d.connectedSince().toString());
        if (ports != null) {
            ArrayNode a = o.putArray("ports");
            ports.forEach(p -> a.add(port(p)));
        }
        return o;
    }

    public static ObjectNode port(Port p) {
        ObjectNode o = MAPPER.createObjectNode();
        putPortNo(o, p.portNo());
        o.put("name", p.name());
        o.put("hw_addr", p.hwAddr().toString());
        o.put("up", p.isUp());
        o.put("config", p.config());
        o.put("state", p.state());
        o.put("curr_speed_kbps", Integer.toUnsignedLong(p.currSpeed()));
        return o;
    }

    /** A port number as a number, a reserved port (LOCAL, ...) by its name. */
    private static void putPortNo(ObjectNode o, dev.iovirt.openflow.PortNo no) {
        if (no.isReserved()) {
            o.put("port_no", no.toString());
        } else {
            o.put("port_no", Integer.toUnsignedLong(no.value()));
        }
    }

    public static ObjectNode portStats(PortStats s) {
        ObjectNode o = MAPPER.createObjectNode();
        putPortNo(o, s.portNo());
        o.put("rx_packets", s.rxPackets());
        o.put("tx_packets", s.txPackets());
        o.put("rx_bytes", s.rxBytes());
        o.put("tx_bytes", s.txBytes());
        o.put("rx_dropped", s.rxDropped());
        o.put("tx_dropped", s.txDropped());
        o.put("rx_errors", s.rxErrors());
        o.put("tx_errors", s.txErrors());
        o.put("duration_sec", s.durationSec());
        return o;
    }

    public static ObjectNode flowRule(FlowRule r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("table", r.table());
        o.put("priority", r.priority());
        o.put("cookie", r.cookie());
        o.put("idle_timeout", r.idleTimeout());
        o.put("hard_timeout", r.hardTimeout());
        ObjectNode m = o.putObject("match");
        r.match().forEach(m::put);
        ArrayNode a = o.putArray("actions");
        for (FlowAction fa : r.actions()) {
            ObjectNode x = a.addObject();
            x.put("type", fa.type());
            if (fa.port() != null) {
                x.put("port", fa.port());
            }
            if (fa.field() != null) {
                x.put("field", fa.field());
                x.put("value", fa.value());
            }
            if (fa.group() != null) {
                x.put("group", fa.group());
            }
            if (fa.table() != null) {
                x.put("table", fa.table());
            }
            if (fa.meter() != null) {
                x.put("meter", fa.meter());
            }
        }
        return o;
    }

    public static ObjectNode flowEntry(FlowEntry e) {
        ObjectNode o = flowRule(e.rule());
        o.put("flow", e.flow());
        o.put("packet_count", e.packetCount());
        o.put("byte_count", e.byteCount());
        o.put("duration_sec", e.durationSec());
        return o;
    }

    /** A validated Flow body → rule. */
    public static FlowRule flowRule(JsonNode body) {
        List<FlowAction> actions = actions(body.path("actions"));
        return new FlowRule(body.path("table").asInt(0), body.path("priority").asInt(), body.path("cookie").asLong(0),
                body.path("idle_timeout").asInt(0), body.path("hard_timeout").asInt(0), match(body.path("match")), actions);
    }

    /** A validated FlowSelector body (or null: everything) → selector. */
    public static FlowSelector flowSelector(JsonNode body) {
        if (body == null) {
            return FlowSelector.all();
        }
        return new FlowSelector(body.has("table") ? body.get("table").asInt() : null,
                body.has("priority") ? body.get("priority").asInt() : null,
                body.has("cookie") ? body.get("cookie").asLong() : null, match(body.path("match")),
                body.path("strict").asBoolean(false));
    }

    public static ObjectNode group(dev.iovirt.controller.group.GroupRule g) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("group_id", g.groupId());
        o.put("type", g.type());
        ArrayNode buckets = o.putArray("buckets");
        for (dev.iovirt.controller.group.GroupBucket b : g.buckets()) {
            ObjectNode bo = buckets.addObject();
            bo.put("weight", b.weight());
            if (b.watchPort() != null) {
                bo.put("watch_port", b.watchPort());
            }
            bo.set("actions", flowRule(new FlowRule(0, 0, 0, 0, 0, Map.of(), b.actions())).get("actions"));
        }
        return o;
    }

    /** A validated Group body → rule. */
    public static dev.iovirt.controller.group.GroupRule group(JsonNode body) {
        List<dev.iovirt.controller.group.GroupBucket> buckets = new ArrayList<>();
        for (JsonNode b : body.path("buckets")) {
            buckets.add(new dev.iovirt.controller.group.GroupBucket(b.path("weight").asInt(0), text(b.get("watch_port")),
                    actions(b.path("actions"))));
        }
        return new dev.iovirt.controller.group.GroupRule(body.path("group_id").asLong(), body.path("type").asText(), buckets);
    }

    public static ObjectNode meter(dev.iovirt.controller.meter.MeterRule m) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("meter_id", m.meterId());
        ArrayNode flags = o.putArray("flags");
        m.flags().forEach(flags::add);
        ArrayNode bands = o.putArray("bands");
        for (dev.iovirt.controller.meter.MeterBandRule b : m.bands()) {
            ObjectNode bo = bands.addObject();
            bo.put("type", b.type());
            bo.put("rate", b.rate());
            bo.put("burst_size", b.burstSize());
            if (b.type().equals("dscp_remark")) {
                bo.put("prec_level", b.precLevel());
            }
        }
        return o;
    }

    /** A meter with its counters; each band gets its {@code packet_count} and {@code byte_count}. */
    public static ObjectNode meter(dev.iovirt.controller.meter.MeterEntry e) {
        ObjectNode o = meter(e.rule());
        o.put("flow_count", e.flowCount());
        o.put("packet_in_count", e.packetInCount());
        o.put("byte_in_count", e.byteInCount());
        o.put("duration_sec", e.durationSec());
        JsonNode bands = o.get("bands");
        for (int i = 0; i < bands.size() && i < e.bandPacketCounts().size(); i++) {
            ((ObjectNode) bands.get(i)).put("packet_count", e.bandPacketCounts().get(i));
            ((ObjectNode) bands.get(i)).put("byte_count", e.bandByteCounts().get(i));
        }
        return o;
    }

    /** A validated Meter body → rule. */
    public static dev.iovirt.controller.meter.MeterRule meter(JsonNode body) {
        List<String> flags = new ArrayList<>();
        body.path("flags").forEach(f -> flags.add(f.asText()));
        List<dev.iovirt.controller.meter.MeterBandRule> bands = new ArrayList<>();
        for (JsonNode b : body.path("bands")) {
            bands.add(new dev.iovirt.controller.meter.MeterBandRule(b.path("type").asText(), b.path("rate").asLong(),
                    b.path("burst_size").asLong(0), b.path("prec_level").asInt(0)));
        }
        return new dev.iovirt.controller.meter.MeterRule(body.path("meter_id").asLong(), flags, bands);
    }

    public static ObjectNode acl(dev.iovirt.controller.acl.AclRule r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.id());
        o.put("priority", r.priority());
        if (r.ethType() != null) {
            o.put("eth_type", String.format("0x%04x", r.ethType()));
        }
        if (r.ipv4Src() != null) {
            o.put("ipv4_src", r.ipv4Src());
        }
        if (r.ipv4Dst() != null) {
            o.put("ipv4_dst", r.ipv4Dst());
        }
        if (r.ipProto() != null) {
            o.put("ip_proto", r.ipProto());
        }
        if (r.tpSrc() != null) {
            o.put("tp_src", r.tpSrc());
        }
        if (r.tpDst() != null) {
            o.put("tp_dst", r.tpDst());
        }
        o.put("action", r.action());
        return o;
    }

    /** A validated AclRule body → rule (id 0). {@code eth_type} may be a number or hex text. */
    public static dev.iovirt.controller.acl.AclRule acl(JsonNode body) {
        Integer ethType = null;
        JsonNode e = body.get("eth_type");
        if (e != null) {
            String t = e.asText().trim();
            try {
                ethType = e.isNumber() ? e.asInt() : t.startsWith("0x") || t.startsWith("0X")
                        ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
            } catch (NumberFormatException bad) {
                throw new dev.iovirt.controller.flow.FlowRuleException("eth_type", "eth_type must be a number such as 0x0800, not " + t);
            }
            if (ethType < 0 || ethType > 0xFFFF) {
                throw new dev.iovirt.controller.flow.FlowRuleException("eth_type", "eth_type must be in 0..0xffff, not " + t);
            }
        }
        return new dev.iovirt.controller.acl.AclRule(0, body.path("priority").asInt(), ethType, text(body.get("ipv4_src")),
                text(body.get("ipv4_dst")), body.has("ip_proto") ? body.get("ip_proto").asInt() : null,
                body.has("tp_src") ? body.get("tp_src").asInt() : null, body.has("tp_dst") ? body.get("tp_dst").asInt() : null,
                body.path("action").asText());
    }

    private static List<FlowAction> actions(JsonNode list) {
        List<FlowAction> actions = new ArrayList<>();
        for (JsonNode a : list) {
            actions.add(new FlowAction(a.path("type").asText(), text(a.get("port")), text(a.get("field")),
                    text(a.get("value")), a.has("group") ? a.get("group").asLong() : null,
                    a.has("table") ? a.get("table").asInt() : null, a.has("meter") ? a.get("meter").asLong() : null));
        }
        return actions;
    }

    private static Map<String, String> match(JsonNode m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    public static ObjectNode host(Host h) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("mac", h.mac().toString());
        ArrayNode ips = o.putArray("ips");
        h.ips().stream().sorted().map(Ipv4Address::toString).forEach(ips::add);
        o.put("dpid", h.dpid().toString());
        o.put("port", Integer.toUnsignedLong(h.port().value()));
        o.put("last_seen", h.lastSeen().toString());
        return o;
    }

    public static ObjectNode connectPoint(ConnectPoint c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("dpid", c.dpid().toString());
        if (c.port().equals(Link.UNKNOWN_PORT)) {
            o.putNull("port"); // a tunnel's remote end before the remote switch registers its tunnel back
        } else {
            o.put("port", Integer.toUnsignedLong(c.port().value()));
        }
        return o;
    }

    public static ObjectNode link(Link l) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("src", connectPoint(l.src()));
        o.set("dst", connectPoint(l.dst()));
        o.put("type", l.type().name().toLowerCase(java.util.Locale.ROOT));
        return o;
    }

    public static ObjectNode event(DeviceEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", e.type().name());
        o.put("dpid", e.device().id().toString());
        if (e.port() != null) {
            o.set("port", port(e.port()));
        }
        return o;
    }

    public static ObjectNode event(FlowEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", e.type().name());
        o.put("dpid", e.dpid().toString());
        o.put("flow", e.flow());
        return o;
    }

    public static ObjectNode event(HostEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", e.type().name());
        o.set("host", host(e.host()));
        return o;
    }

    public static ObjectNode event(LinkEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", e.type().name());
        o.set("link", link(e.link()));
        return o;
    }
}
