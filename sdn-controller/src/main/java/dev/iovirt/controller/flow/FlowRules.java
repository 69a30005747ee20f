package dev.iovirt.controller.flow;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.FlowStats;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The codec between the API's {@link FlowRule} and the wire's {@link OfpFlowMod}. Field names and
 * value syntax follow ovs-ofctl(8) "Flow Syntax", so that what {@code ovs-ofctl dump-flows} prints
 * can be posted back. Every refusal is a {@link FlowRuleException} naming the field, raised before
 * anything is sent.
 */
public final class FlowRules {
    /** ovs-ofctl names (and OXM names) → field; {@code tp_src}/{@code tp_dst} and {@code dl_vlan} are resolved apart. */
    private static final Map<String, OxmField> FIELDS = new TreeMap<>();

    static {
        for (OxmField f : OxmField.values()) {
            FIELDS.put(f.ovsName(), f);
            FIELDS.put(f.name().toLowerCase(Locale.ROOT), f);
        }
        FIELDS.put("eth_src", OxmField.ETH_SRC);
        FIELDS.put("eth_dst", OxmField.ETH_DST);
        FIELDS.put("eth_type", OxmField.ETH_TYPE);
        FIELDS.put("ip_proto", OxmField.IP_PROTO);
        FIELDS.put("icmpv4_type", OxmField.ICMPV4_TYPE);
        FIELDS.put("icmpv4_code", OxmField.ICMPV4_CODE);
    }

    private FlowRules() {
    }

    /** An ADD flow mod for {@code rule}. */
    public static OfpFlowMod toFlowMod(FlowRule rule, int xid) {
        checkRange("table", rule.table(), 0, TableId.MAX.value());
        checkRange("priority", rule.priority(), 0, 0xFFFF);
        checkRange("idle_timeout", rule.idleTimeout(), 0, 0xFFFF);
        checkRange("hard_timeout", rule.hardTimeout(), 0, 0xFFFF);
        OfpFlowMod.Builder b = OfpFlowMod.builder(FlowModCommand.ADD).xid(xid).table(rule.table())
                .priority(rule.priority()).cookie(rule.cookie()).idleTimeout(rule.idleTimeout())
                .hardTimeout(rule.hardTimeout()).match(toMatch(rule.match()));
        for (Instruction i : toInstructions(rule.actions(), rule.table())) {
            b.instruction(i);
        }
        return b.build();
    }

    /** A DELETE or DELETE_STRICT flow mod for {@code selector}. */
    public static OfpFlowMod toDelete(FlowSelector s, int xid) {
        if (s.strict() && (s.table() == null || s.priority() == null)) {
            throw new FlowRuleException(s.table() == null ? "table" : "priority", "a strict delete needs a table and a priority");
        }
        OfpFlowMod.Builder b = OfpFlowMod.builder(s.strict() ? FlowModCommand.DELETE_STRICT : FlowModCommand.DELETE)
                .xid(xid).match(toMatch(s.match()));
        if (s.table() != null) {
            checkRange("table", s.table(), 0, TableId.MAX.value());
            b.table(s.table());
        }
        if (s.priority() != null) {
            checkRange("priority", s.priority(), 0, 0xFFFF);
            b.priority(s.priority());
        }
        if (s.cookie() != null) {
            b.cookie(s.cookie(), -1L);
        }
        return b.build();
    }

    private static void checkRange(String field, long v, long min, long max) {
        if (v < min || v > max) {
            throw new FlowRuleException(field, field + " must be in " + min + ".." + max + ", not " + v);
        }
    }

    // ---------------------------------------------------------------- match

    /** The match for ovs-ofctl-style fields; prerequisites are checked as a switch would (OF 1.3.5 §7.2.3.6). */
    public static Match toMatch(Map<String, String> fields) {
        List<Oxm> oxms = new ArrayList<>();
        String proto = fields.get("nw_proto") != null ? fields.get("nw_proto") : fields.get("ip_proto");
        for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
            String name = e.getKey();
            String path = "match." + name;
            String text = e.getValue() == null ? "" : e.getValue().trim();
            if (text.isEmpty()) {
                throw new FlowRuleException(path, path + " has no value");
            }
            OxmField f = switch (name) {
                case "tp_src", "tp_dst" -> transportField(name, proto, path);
                case "dl_vlan" -> OxmField.VLAN_VID;
                default -> FIELDS.get(name);
            };
            if (f == null) {
                throw new FlowRuleException(path, "unknown match field '" + name + "' (use ovs-ofctl names: in_port, dl_src, "
                        + "dl_dst, dl_type, dl_vlan, nw_proto, nw_src, nw_dst, tp_src, tp_dst, arp_spa, arp_tpa, ...)");
            }
            try {
                Oxm o = parseOxm(f, text);
                if (name.equals("dl_vlan")) {
                    o = Oxm.exact(OxmField.VLAN_VID, OxmField.VID_PRESENT | o.value());
                }
                oxms.add(o);
            } catch (IllegalArgumentException ex) {
                throw new FlowRuleException(path, path + ": " + ex.getMessage());
            }
        }
        try {
            return Match.of(oxms.toArray(new Oxm[0]));
        } catch (OfpException ex) {
            throw new FlowRuleException("match", "match is not valid OpenFlow: " + ex.getMessage());
        }
    }

    private static OxmField transportField(String name, String proto, String path) {
        if (proto == null) {
            throw new FlowRuleException(path, name + " needs nw_proto (6 for TCP, 17 for UDP, 132 for SCTP)");
        }
        boolean src = name.equals("tp_src");
        return switch (proto.trim()) {
            case "6" -> src ? OxmField.TCP_SRC : OxmField.TCP_DST;
            case "17" -> src ? OxmField.UDP_SRC : OxmField.UDP_DST;
            case "132" -> src ? OxmField.SCTP_SRC : OxmField.SCTP_DST;
            default -> throw new FlowRuleException(path, name + " needs nw_proto 6, 17 or 132, not " + proto);
        };
    }

    /** Parses {@code value} or {@code value/mask} in ovs-ofctl syntax for {@code f}. */
    static Oxm parseOxm(OxmField f, String text) {
        int slash = text.indexOf('/');
        String v = slash < 0 ? text : text.substring(0, slash);
        String m = slash < 0 ? null : text.substring(slash + 1);
        if (m != null && !f.isMaskable()) {
            throw new IllegalArgumentException(f.ovsName() + " cannot be masked");
        }
        switch (f) {
            case IN_PORT, IN_PHY_PORT -> {
                return Oxm.exact(f, PortNo.parse(v).value() & 0xFFFF_FFFFL);
            }
            case ETH_SRC, ETH_DST, ARP_SHA, ARP_THA, IPV6_ND_SLL, IPV6_ND_TLL -> {
                long value = MacAddress.of(v).bits();
                if (m == null) {
                    return Oxm.exact(f, value);
                }
                long mask = MacAddress.of(m).bits();
                return Oxm.masked(f, value & mask, mask);
            }
            case IPV4_SRC, IPV4_DST, ARP_SPA, ARP_TPA -> {
                long value = Ipv4Address.of(v).bits() & 0xFFFF_FFFFL;
                if (m == null) {
                    return Oxm.exact(f, value);
                }
                long mask = m.contains(".") ? Ipv4Address.of(m).bits() & 0xFFFF_FFFFL : prefix(m, 32) & 0xFFFF_FFFFL;
                return mask == 0xFFFF_FFFFL ? Oxm.exact(f, value) : Oxm.masked(f, value & mask, mask);
            }
            case IPV6_SRC, IPV6_DST, IPV6_ND_TARGET -> {
                Ipv6Address a = Ipv6Address.of(v);
                if (m == null) {
                    return Oxm.exact(f, a.hi(), a.lo());
                }
                int p = (int) prefix(m, 128);
                long mh = p >= 64 ? -1L : p == 0 ? 0 : -1L << (64 - p);
                long ml = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
                return Oxm.masked(f, a.hi() & mh, a.lo() & ml, mh, ml);
            }
            default -> {
                long value = number(v);
                if ((value & ~f.validBits()) != 0) {
                    throw new IllegalArgumentException("value " + v + " does not fit " + f.ovsName() + " (at most 0x"
                            + Long.toHexString(f.validBits()) + ")");
                }
                if (m == null) {
                    return Oxm.exact(f, value);
                }
                long mask = number(m);
                return Oxm.masked(f, value & mask, mask & f.validBits());
            }
        }
    }

    private static long prefix(String m, int max) {
        try {
            int p = Integer.parseInt(m);
            if (p < 0 || p > max) {
                throw new IllegalArgumentException("prefix length must be in 0.." + max + ", not " + m);
            }
            return max == 32 ? Ipv4Address.prefixMask(p) : p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: '" + m + "'");
        }
    }

    private static long number(String text) {
        try {
            return Long.decode(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number (decimal or 0x hex): '" + text + "'");
        }
    }

    // ---------------------------------------------------------------- actions

    /** Apply-actions in order, then goto_table if last (OF 1.3.5 §5.9: instructions run in a fixed order). */
    static List<Instruction> toInstructions(List<FlowAction> actions, int table) {
        List<Action> apply = new ArrayList<>();
        Instruction gotoTable = null;
        Instruction meter = null;
        int count = (int) actions.stream().filter(a -> !"meter".equals(a.type())).count();
        for (int i = 0; i < actions.size(); i++) {
            FlowAction a = actions.get(i);
            String path = "actions[" + i + "]";
            if (gotoTable != null) {
                throw new FlowRuleException(path, "goto_table must be the last action");
            }
            if ("meter".equals(a.type())) {
                if (meter != null) {
                    throw new FlowRuleException(path, "a flow has at most one meter (OF 1.3.5 §5.9)");
                }
                if (a.meter() == null || a.meter() < 1 || a.meter() > (MeterId.MAX.value() & 0xFFFF_FFFFL)) {
                    throw new FlowRuleException(path + ".meter", "meter needs a meter id in 1..4294901760");
                }
                meter = new Instruction.Meter(MeterId.of((int) (long) a.meter()));
                continue;
            }
            if ("goto_table".equals(a.type())) {
                if (a.table() == null || a.table() <= table || a.table() > TableId.MAX.value()) {
                    throw new FlowRuleException(path + ".table", "goto_table needs a table after " + table
                            + " (OF 1.3.5 §5.1: the pipeline only goes forward)");
                }
                gotoTable = new Instruction.GotoTable(TableId.of(a.table()));
                continue;
            }
            Action parsed = toAction(a, path, count);
            if (parsed != null) {
                apply.add(parsed);
            }
        }
        List<Instruction> out = new ArrayList<>();
        if (meter != null) {
            out.add(meter);
        }
        if (!apply.isEmpty()) {
            out.add(new Instruction.ApplyActions(apply));
        }
        if (gotoTable != null) {
            out.add(gotoTable);
        }
        return out;
    }

    /**
     * An action list without instructions (a group bucket's, OF 1.3.5 §7.3.4.2): output, set_field,
     * group, or a lone drop; {@code path} prefixes the field names of refusals.
     */
    public static List<Action> toActions(List<FlowAction> actions, String path) {
        List<Action> out = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            String at = path + "[" + i + "]";
            if ("goto_table".equals(actions.get(i).type()) || "meter".equals(actions.get(i).type())) {
                throw new FlowRuleException(at + ".type", actions.get(i).type() + " is an instruction, not an action: not allowed here");
            }
            Action a = toAction(actions.get(i), at, actions.size());
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** One action; null for drop. */
    private static Action toAction(FlowAction a, String path, int count) {
        String type = a.type() == null ? "" : a.type();
        switch (type) {
            case "output" -> {
                if (a.port() == null) {
                    throw new FlowRuleException(path + ".port", "output needs a port");
                }
                PortNo p;
                try {
                    p = PortNo.parse(a.port());
                } catch (RuntimeException e) {
                    throw new FlowRuleException(path + ".port", "not a port number or reserved port name: '" + a.port() + "'");
                }
                if (p.equals(PortNo.ANY) || p.value() == 0) {
                    throw new FlowRuleException(path + ".port", "cannot output to port " + a.port());
                }
                return Action.Output.to(p);
            }
            case "drop" -> {
                if (count != 1) {
                    throw new FlowRuleException(path, "drop must be the only action");
                }
                return null;
            }
            case "set_field" -> {
                if (a.field() == null || a.value() == null) {
                    throw new FlowRuleException(path + (a.field() == null ? ".field" : ".value"), "set_field needs a field and a value");
                }
                OxmField f = FIELDS.get(a.field());
                if (f == null) {
                    throw new FlowRuleException(path + ".field", "unknown field '" + a.field() + "'");
                }
                try {
                    Oxm o = parseOxm(f, a.value());
                    if (o.hasMask()) {
                        throw new IllegalArgumentException("set_field takes no mask in OpenFlow 1.3");
                    }
                    return new Action.SetField(o);
                } catch (IllegalArgumentException e) {
                    throw new FlowRuleException(path + ".value", e.getMessage());
                }
            }
            case "group" -> {
                if (a.group() == null || a.group() < 0 || a.group() > (GroupId.MAX.value() & 0xFFFF_FFFFL)) {
                    throw new FlowRuleException(path + ".group", "group needs a group id in 0..4294967040");
                }
                return new Action.Group(GroupId.of((int) (long) a.group()));
            }
            default -> throw new FlowRuleException(path + ".type",
                    "unknown action type '" + type + "' (output, drop, set_field, group, goto_table, meter)");
        }
    }

    /** The API's view of an action list (a bucket's, or an apply-actions instruction's). */
    public static List<FlowAction> fromActions(List<Action> actions) {
        List<FlowAction> out = new ArrayList<>();
        for (Action a : actions) {
            out.add(switch (a) {
                case Action.Output o -> FlowAction.output(o.port().toString());
                case Action.SetField f -> FlowAction.setField(f.field().field().ovsName(), f.field().valueText());
                case Action.Group g -> FlowAction.group(g.group().value() & 0xFFFF_FFFFL);
                default -> new FlowAction(a.toString(), null, null, null, null, null);
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- back

    /** The API's view of a flow-stats entry. */
    public static FlowEntry fromStats(FlowStats s) {
        Map<String, String> match = new LinkedHashMap<>();
        for (Oxm o : s.match().fields()) {
            match.put(o.field().ovsName(), o.valueText());
        }
        List<FlowAction> actions = new ArrayList<>();
        for (Instruction i : s.instructions()) {
            switch (i) {
                case Instruction.ApplyActions apply -> actions.addAll(fromActions(apply.actions()));
                case Instruction.GotoTable g -> actions.add(FlowAction.gotoTable(g.table().value()));
                case Instruction.Meter m -> actions.add(FlowAction.meter(m.meter().value() & 0xFFFF_FFFFL));
                default -> actions.add(new FlowAction(i.toString(), null, null, null, null, null));
            }
        }
        FlowRule rule = new FlowRule(s.tableId().value(), s.priority(), s.cookie(), s.idleTimeout(), s.hardTimeout(), match, actions);
        String text = "table=" + s.tableId() + ",priority=" + s.priority() + (s.match().isEmpty() ? "" : "," + s.match())
                + " actions=" + (s.instructions().isEmpty() ? "drop"
                : String.join(",", s.instructions().stream().map(Object::toString).toList()));
        return new FlowEntry(rule, text, s.packetCount(), s.byteCount(), s.durationSec());
    }
}
