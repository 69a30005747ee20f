package dev.iovirt.openflow;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the common subset of ovs-ofctl's flow syntax ({@code ovs-fields(7)}, {@code ovs-actions(7)}):
 * {@code table=0,priority=10,in_port=1,tcp,nw_dst=10.0.0.0/24,tp_dst=80 actions=output:2}. What
 * {@code toString()} of matches, actions and instructions and {@link OfpFlowMod#toFlowString()}
 * print, this reads back. Errors are {@link IllegalArgumentException}s that name the offending
 * word.
 */
public final class OfpText {
    private OfpText() {
    }

    /** A flow mod of {@code command} from ovs-ofctl's add-flow/del-flows notation. */
    public static OfpFlowMod parseFlow(String text, FlowModCommand command) {
        String fieldsPart = text;
        String actionsPart = null;
        int a = text.indexOf("actions=");
        if (a >= 0) {
            fieldsPart = text.substring(0, a);
            actionsPart = text.substring(a + "actions=".length()).trim();
        }
        OfpFlowMod.Builder b = OfpFlowMod.builder(command);
        Match.Builder match = Match.builder();
        MatchState state = new MatchState();
        for (String word : fieldsPart.split("[,\\s]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            String value = eq < 0 ? null : word.substring(eq + 1);
            switch (key) {
                case "table" -> b.table(value.equalsIgnoreCase("ALL") ? 255 : parseInt(value));
                case "priority" -> b.priority(parseInt(value));
                case "idle_timeout" -> b.idleTimeout(parseInt(value));
                case "hard_timeout" -> b.hardTimeout(parseInt(value));
                case "cookie" -> {
                    int slash = value.indexOf('/');
                    if (slash < 0) {
                        b.cookie(parseLong(value));
                    } else {
                        b.cookie(parseLong(value.substring(0, slash)), parseLong(value.substring(slash + 1)));
                    }
                }
                case "out_port" -> b.outPort(PortNo.parse(value));
                case "out_group" -> b.outGroup(GroupId.of((int) parseLong(value)));
                case "send_flow_rem" -> state.flags |= OfpFlowMod.FLAG_SEND_FLOW_REM;
                case "check_overlap" -> state.flags |= OfpFlowMod.FLAG_CHECK_OVERLAP;
                case "reset_counts" -> state.flags |= OfpFlowMod.FLAG_RESET_COUNTS;
                case "no_packet_counts" -> state.flags |= OfpFlowMod.FLAG_NO_PKT_COUNTS;
                case "no_byte_counts" -> state.flags |= OfpFlowMod.FLAG_NO_BYT_COUNTS;
                default -> matchWord(match, state, key, value);
            }
        }
        finishMatch(match, state);
        b.flags(state.flags).match(match.build());
        if (actionsPart != null) {
            parseInstructions(actionsPart).forEach(b::instruction);
        }
        return b.build();
    }

    /** A match from comma-separated fields, e.g. {@code in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24}. */
    public static Match parseMatch(String text) {
        Match.Builder match = Match.builder();
        MatchState state = new MatchState();
        for (String word : text.split("[,\\s]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            matchWord(match, state, eq < 0 ? word : word.substring(0, eq), eq < 0 ? null : word.substring(eq + 1));
        }
        finishMatch(match, state);
        return match.build();
    }

    /** Fields whose OXM depends on others seen in any order ({@code tp_dst} needs {@code nw_proto}). */
    private static final class MatchState {
        int flags;
        int ethType = -1;
        int ipProto = -1;
        String tpSrc;
        String tpDst;
        String icmpType;
        String icmpCode;
    }

    private static void matchWord(Match.Builder m, MatchState s, String key, String value) {
        switch (key) {
            case "ip" -> shorthand(m, s, 0x0800, -1);
            case "ipv6" -> shorthand(m, s, 0x86DD, -1);
            case "arp" -> shorthand(m, s, 0x0806, -1);
            case "icmp" -> shorthand(m, s, 0x0800, 1);
            case "tcp" -> shorthand(m, s, 0x0800, 6);
            case "udp" -> shorthand(m, s, 0x0800, 17);
            case "sctp" -> shorthand(m, s, 0x0800, 132);
            case "icmp6" -> shorthand(m, s, 0x86DD, 58);
            case "tcp6" -> shorthand(m, s, 0x86DD, 6);
            case "udp6" -> shorthand(m, s, 0x86DD, 17);
            case "mpls" -> shorthand(m, s, 0x8847, -1);
            case "dl_type", "eth_type" -> {
                s.ethType = parseInt(need(key, value));
                m.ethType(s.ethType);
            }
            case "nw_proto", "ip_proto" -> {
                s.ipProto = parseInt(need(key, value));
                m.ipProto(s.ipProto);
            }
            case "tp_src" -> s.tpSrc = need(key, value);
            case "tp_dst" -> s.tpDst = need(key, value);
            case "icmp_type" -> s.icmpType = need(key, value);
            case "icmp_code" -> s.icmpCode = need(key, value);
            case "in_port" -> m.inPort(PortNo.parse(need(key, value)));
            case "in_phy_port" -> m.exact(OxmField.IN_PHY_PORT, PortNo.parse(need(key, value)).value() & 0xFFFF_FFFFL);
            case "dl_vlan" -> {
                int vid = parseInt(need(key, value));
                if (vid == 0xFFFF) {
                    m.noVlan();
                } else {
                    m.vlanVid(vid);
                }
            }
            case "vlan_tci" -> {
                // Only the forms ovs-ofctl prints for OF 1.3 matches: 0x0000/0x1fff (untagged), 0x1000/0x1000 (tagged).
                String v = need(key, value).toLowerCase(Locale.ROOT);
                if (v.equals("0x0000/0x1fff") || v.equals("0")) {
                    m.noVlan();
                } else if (v.equals("0x1000/0x1000")) {
                    m.anyVlan();
                } else {
                    throw new IllegalArgumentException("unsupported vlan_tci '" + value + "' (use dl_vlan or vlan_vid)");
                }
            }
            case "nw_tos" -> m.ipDscp(parseInt(need(key, value)) >> 2);
            case "dl_src", "eth_src" -> field(m, OxmField.ETH_SRC, need(key, value));
            case "dl_dst", "eth_dst" -> field(m, OxmField.ETH_DST, need(key, value));
            case "nw_src", "ip_src", "ipv4_src" -> field(m, OxmField.IPV4_SRC, need(key, value));
            case "nw_dst", "ip_dst", "ipv4_dst" -> field(m, OxmField.IPV4_DST, need(key, value));
            case "nw_ecn" -> field(m, OxmField.IP_ECN, need(key, value));
            case "vlan_pcp" -> field(m, OxmField.VLAN_PCP, need(key, value));
            case "tun_id" -> field(m, OxmField.TUNNEL_ID, need(key, value));
            case "icmpv4_type" -> field(m, OxmField.ICMPV4_TYPE, need(key, value));
            case "icmpv4_code" -> field(m, OxmField.ICMPV4_CODE, need(key, value));
            default -> {
                OxmField f = fieldNamed(key);
                if (f == null) {
                    throw new IllegalArgumentException("unknown match field '" + key + "'");
                }
                field(m, f, need(key, value));
            }
        }
    }

    private static void shorthand(Match.Builder m, MatchState s, int ethType, int ipProto) {
        s.ethType = ethType;
        m.ethType(ethType);
        if (ipProto >= 0) {
            s.ipProto = ipProto;
            m.ipProto(ipProto);
        }
    }

    private static void finishMatch(Match.Builder m, MatchState s) {
        if (s.tpSrc != null || s.tpDst != null) {
            OxmField src;
            OxmField dst;
            switch (s.ipProto) {
                case 6 -> {
                    src = OxmField.TCP_SRC;
                    dst = OxmField.TCP_DST;
                }
                case 17 -> {
                    src = OxmField.UDP_SRC;
                    dst = OxmField.UDP_DST;
                }
                case 132 -> {
                    src = OxmField.SCTP_SRC;
                    dst = OxmField.SCTP_DST;
                }
                default -> throw new IllegalArgumentException("tp_src/tp_dst need tcp, udp or sctp");
            }
            if (s.tpSrc != null) {
                field(m, src, s.tpSrc);
            }
            if (s.tpDst != null) {
                field(m, dst, s.tpDst);
            }
        }
        if (s.icmpType != null || s.icmpCode != null) {
            boolean v6 = s.ipProto == 58;
            if (s.icmpType != null) {
                field(m, v6 ? OxmField.ICMPV6_TYPE : OxmField.ICMPV4_TYPE, s.icmpType);
            }
            if (s.icmpCode != null) {
                field(m, v6 ? OxmField.ICMPV6_CODE : OxmField.ICMPV4_CODE, s.icmpCode);
            }
        }
    }

    private static OxmField fieldNamed(String name) {
        for (OxmField f : OxmField.values()) {
            if (f.ovsName().equals(name) || f.name().toLowerCase(Locale.ROOT).equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static String need(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' needs a value");
        }
        return value;
    }

    /** Adds {@code f} with {@code text} as value, with an optional {@code /mask} or {@code /prefix}. */
    private static void field(Match.Builder m, OxmField f, String text) {
        m.add(oxm(f, text));
    }

    /** The OXM for field {@code f} written as ovs-ofctl writes its value. */
    static Oxm oxm(OxmField f, String text) {
        int slash = text.indexOf('/');
        String v = slash < 0 ? text : text.substring(0, slash);
        String mask = slash < 0 ? null : text.substring(slash + 1);
        switch (f) {
            case ETH_DST, ETH_SRC, ARP_SHA, ARP_THA, IPV6_ND_SLL, IPV6_ND_TLL -> {
                long value = MacAddress.of(v).bits();
                return mask == null ? Oxm.exact(f, value) : Oxm.masked(f, value, MacAddress.of(mask).bits());
            }
            case IPV4_SRC, IPV4_DST, ARP_SPA, ARP_TPA -> {
                long value = Ipv4Address.of(v).bits() & 0xFFFF_FFFFL;
                if (mask == null) {
                    return Oxm.exact(f, value);
                }
                long mk = (mask.contains(".") ? Ipv4Address.of(mask).bits() : Ipv4Address.prefixMask(parseInt(mask))) & 0xFFFF_FFFFL;
                return Oxm.masked(f, value & mk, mk);
            }
            case IPV6_SRC, IPV6_DST, IPV6_ND_TARGET -> {
                Ipv6Address a = Ipv6Address.of(v);
                if (mask == null) {
                    return Oxm.exact(f, a.hi(), a.lo());
                }
                long mhi;
                long mlo;
                if (mask.contains(":")) {
                    Ipv6Address mk = Ipv6Address.of(mask);
                    mhi = mk.hi();
                    mlo = mk.lo();
                } else {
                    int p = parseInt(mask);
                    mhi = p >= 64 ? -1L : p == 0 ? 0 : -1L << (64 - p);
                    mlo = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
                }
                return Oxm.masked(f, a.hi() & mhi, a.lo() & mlo, mhi, mlo);
            }
            case IN_PORT, IN_PHY_PORT -> {
                return Oxm.exact(f, PortNo.parse(v).value() & 0xFFFF_FFFFL);
            }
            default -> {
                long value = parseLong(v);
                return mask == null ? Oxm.exact(f, value) : Oxm.masked(f, value, parseLong(mask));
            }
        }
    }

    /** Instructions from the part after {@code actions=}: actions, {@code meter:}, {@code write_actions(...)}, {@code clear_actions}, {@code write_metadata:}, {@code goto_table:}. */
    public static List<Instruction> parseInstructions(String text) {
        List<Instruction> out = new ArrayList<>();
        List<Action> apply = new ArrayList<>();
        Instruction meter = null;
        Instruction gotoTable = null;
        for (String word : splitTopLevel(text)) {
            String w = word.trim();
            if (w.isEmpty() || w.equals("drop")) {
                continue;
            }
            if (w.startsWith("meter:")) {
                meter = new Instruction.Meter(MeterId.of((int) parseLong(w.substring(6))));
            } else if (w.startsWith("goto_table:")) {
                gotoTable = new Instruction.GotoTable(TableId.of(parseInt(w.substring(11))));
            } else if (w.equals("clear_actions")) {
                out.add(new Instruction.ClearActions());
            } else if (w.startsWith("write_actions(") && w.endsWith(")")) {
                out.add(new Instruction.WriteActions(parseActions(w.substring(14, w.length() - 1))));
            } else if (w.startsWith("write_metadata:")) {
                String v = w.substring(15);
                int slash = v.indexOf('/');
                out.add(slash < 0 ? new Instruction.WriteMetadata(parseLong(v), -1L)
                        : new Instruction.WriteMetadata(parseLong(v.substring(0, slash)), parseLong(v.substring(slash + 1))));
            } else {
                apply.add(parseAction(w));
            }
        }
        // The order ovs-ofctl uses on the wire: meter, apply, clear, write, write_metadata, goto.
        List<Instruction> ordered = new ArrayList<>();
        if (meter != null) {
            ordered.add(meter);
        }
        if (!apply.isEmpty()) {
            ordered.add(new Instruction.ApplyActions(apply));
        }
        ordered.addAll(out);
        if (gotoTable != null) {
            ordered.add(gotoTable);
        }
        return ordered;
    }

    /**
     * A group mod from ovs-ofctl's add-group notation, e.g.
     * {@code group_id=1,type=select,bucket=weight:3,output:1,bucket=weight:1,output:2}.
     */
    public static OfpGroupMod parseGroupMod(String text, GroupModCommand command) {
        String[] parts = text.split(",?\\s*bucket=", -1);
        GroupType type = GroupType.ALL;
        GroupId id = null;
        for (String word : parts[0].split("[,\\s]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            String value = eq < 0 ? "" : word.substring(eq + 1);
            switch (key) {
                case "group_id" -> id = value.equalsIgnoreCase("all") ? GroupId.ALL : GroupId.of((int) parseLong(value));
                case "type" -> type = switch (value) {
                    case "all" -> GroupType.ALL;
                    case "select" -> GroupType.SELECT;
                    case "indirect" -> GroupType.INDIRECT;
                    case "ff", "fast_failover" -> GroupType.FF;
                    default -> throw new IllegalArgumentException("unknown group type '" + value + "'");
                };
                default -> throw new IllegalArgumentException("unknown group field '" + key + "'");
            }
        }
        if (id == null) {
            throw new IllegalArgumentException("a group needs group_id: '" + text + "'");
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            int weight = 0;
            PortNo watchPort = PortNo.ANY;
            GroupId watchGroup = GroupId.ANY;
            List<String> actions = new ArrayList<>();
            for (String w : splitTopLevel(parts[i])) {
                String t = w.trim();
                if (t.startsWith("actions=")) {
                    t = t.substring(8);
                }
                if (t.startsWith("weight:") || t.startsWith("weight=")) {
                    weight = parseInt(t.substring(7));
                } else if (t.startsWith("watch_port:") || t.startsWith("watch_port=")) {
                    watchPort = PortNo.parse(t.substring(11));
                } else if (t.startsWith("watch_group:") || t.startsWith("watch_group=")) {
                    watchGroup = GroupId.of((int) parseLong(t.substring(12)));
                } else if (!t.isEmpty()) {
                    actions.add(t);
                }
            }
            buckets.add(new Bucket(weight, watchPort, watchGroup, parseActions(String.join(",", actions))));
        }
        return new OfpGroupMod(0, command, type, id, buckets);
    }

    /**
     * A meter mod from ovs-ofctl's add-meter notation, e.g.
     * {@code meter=1,kbps,burst,stats,band=type=drop,rate=1000,burst_size=100}; each {@code type=}
     * after the first starts another band.
     */
    public static OfpMeterMod parseMeterMod(String text, MeterModCommand command) {
        int b = text.indexOf("band=");
        String head = b < 0 ? text : text.substring(0, b);
        MeterId id = null;
        int flags = 0;
        for (String word : head.split("[,\\s]+")) {
            if (word.isEmpty()) {
                continue;
            }
            switch (word) {
                case "kbps" -> flags |= OfpMeterMod.FLAG_KBPS;
                case "pktps" -> flags |= OfpMeterMod.FLAG_PKTPS;
                case "burst" -> flags |= OfpMeterMod.FLAG_BURST;
                case "stats" -> flags |= OfpMeterMod.FLAG_STATS;
                default -> {
                    if (!word.startsWith("meter=")) {
                        throw new IllegalArgumentException("unknown meter field '" + word + "'");
                    }
                    String v = word.substring(6);
                    id = v.equalsIgnoreCase("all") ? MeterId.ALL : MeterId.of((int) parseLong(v));
                }
            }
        }
        if (id == null) {
            throw new IllegalArgumentException("a meter needs meter=: '" + text + "'");
        }
        List<MeterBand> bands = new ArrayList<>();
        if (b >= 0) {
            String type = null;
            long rate = 0;
            long burst = 0;
            int prec = 0;
            for (String word : text.substring(b + 5).split("[,\\s]+")) {
                if (word.isEmpty()) {
                    continue;
                }
                int eq = word.indexOf('=');
                String key = eq < 0 ? word : word.substring(0, eq);
                String value = eq < 0 ? "" : word.substring(eq + 1);
                switch (key) {
                    case "type" -> {
                        if (type != null) {
                            bands.add(band(type, rate, burst, prec));
                        }
                        type = value;
                        rate = 0;
                        burst = 0;
                        prec = 0;
                    }
                    case "rate" -> rate = parseLong(value);
                    case "burst_size" -> burst = parseLong(value);
                    case "prec_level" -> prec = parseInt(value);
                    default -> throw new IllegalArgumentException("unknown band field '" + key + "'");
                }
            }
            if (type != null) {
                bands.add(band(type, rate, burst, prec));
            }
        }
        return new OfpMeterMod(0, command, flags, id, bands);
    }

    private static MeterBand band(String type, long rate, long burst, int prec) {
        return switch (type) {
            case "drop" -> new MeterBand.Drop(rate, burst);
            case "dscp_remark" -> new MeterBand.DscpRemark(rate, burst, prec);
            default -> throw new IllegalArgumentException("unknown band type '" + type + "'");
        };
    }

    /** A comma-separated action list, e.g. {@code pop_vlan,set_field:10.0.0.1->ip_dst,output:2}. */
    public static List<Action> parseActions(String text) {
        List<Action> out = new ArrayList<>();
        for (String word : splitTopLevel(text)) {
            String w = word.trim();
            if (!w.isEmpty() && !w.equals("drop")) {
                out.add(parseAction(w));
            }
        }
        return out;
    }

    private static Action parseAction(String w) {
        String lower = w.toLowerCase(Locale.ROOT);
        int colon = w.indexOf(':');
        String arg = colon < 0 ? null : w.substring(colon + 1);
        String name = colon < 0 ? lower : lower.substring(0, colon);
        if (w.startsWith("set_mpls_ttl(") && w.endsWith(")")) {
            return new Action.SetMplsTtl(parseInt(w.substring(13, w.length() - 1)));
        }
        return switch (name) {
            case "output" -> Action.Output.to(PortNo.parse(arg));
            case "controller" -> new Action.Output(PortNo.CONTROLLER, arg == null ? Action.CML_NO_BUFFER : parseInt(arg));
            case "in_port", "normal", "flood", "all", "local", "table" -> Action.Output.to(PortNo.parse(name));
            case "copy_ttl_out" -> new Action.CopyTtlOut();
            case "copy_ttl_in" -> new Action.CopyTtlIn();
            case "set_mpls_ttl" -> new Action.SetMplsTtl(parseInt(arg));
            case "dec_mpls_ttl" -> new Action.DecMplsTtl();
            case "push_vlan" -> new Action.PushVlan(parseInt(arg));
            case "pop_vlan", "strip_vlan" -> new Action.PopVlan();
            case "push_mpls" -> new Action.PushMpls(parseInt(arg));
            case "pop_mpls" -> new Action.PopMpls(parseInt(arg));
            case "set_queue" -> new Action.SetQueue((int) parseLong(arg));
            case "group" -> new Action.Group(GroupId.of((int) parseLong(arg)));
            case "mod_nw_ttl", "set_nw_ttl" -> new Action.SetNwTtl(parseInt(arg));
            case "dec_ttl" -> new Action.DecNwTtl();
            case "push_pbb" -> new Action.PushPbb(parseInt(arg));
            case "pop_pbb" -> new Action.PopPbb();
            case "set_field" -> {
                int arrow = arg == null ? -1 : arg.indexOf("->");
                if (arrow < 0) {
                    throw new IllegalArgumentException("set_field needs value->field: '" + w + "'");
                }
                String fieldName = arg.substring(arrow + 2);
                OxmField f = switch (fieldName) {
                    case "ip_src", "nw_src" -> OxmField.IPV4_SRC;
                    case "ip_dst", "nw_dst" -> OxmField.IPV4_DST;
                    case "eth_src" -> OxmField.ETH_SRC;
                    case "eth_dst" -> OxmField.ETH_DST;
                    case "tun_id" -> OxmField.TUNNEL_ID;
                    default -> fieldNamed(fieldName);
                };
                if (f == null) {
                    throw new IllegalArgumentException("unknown set_field field '" + fieldName + "'");
                }
                yield new Action.SetField(oxm(f, arg.substring(0, arrow)));
            }
            default -> {
                if (colon < 0 && w.chars().allMatch(Character::isDigit)) {
                    yield Action.Output.to(PortNo.parse(w)); // a bare port number means output
                }
                throw new IllegalArgumentException("unknown action '" + w + "'");
            }
        };
    }

    /** Splits at commas that are not inside parentheses. */
    private static List<String> splitTopLevel(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    private static int parseInt(String s) {
        return (int) parseLong(s);
    }

    private static long parseLong(String s) {
        try {
            String t = s.trim();
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + s + "'");
        }
    }
}
