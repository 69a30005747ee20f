package dev.iovirt.controller.sfc;

import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.group.GroupBucket;
import dev.iovirt.controller.group.GroupRule;
import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Network;
import dev.iovirt.controller.network.Tunnel;
import dev.iovirt.openflow.DatapathId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders one service chain as OpenFlow flow entries and select groups, per switch: the one place
 * that computes them. It is pure (plain data in, plain data out, no switch, no state), so the
 * controller's {@link SfcApp} and {@code iovirt run}'s in-process programming of its switches get
 * the same entries; turn them into messages with {@link dev.iovirt.controller.flow.FlowRules#toFlowMod}
 * and {@link dev.iovirt.controller.group.GroupRules#toAdd}.
 *
 * <p>Chain with groups G_1..G_k (pairs with ingress I and egress E), classifier c, network VNI v,
 * on switch S (T_R: S's tunnel to switch R; sid(p, d): the pair's steering id in direction d):
 *
 * <pre>
 * 610 in_port=P_a,dl_src=MAC_a,ip,nw_src=c.src,nw_dst=c.dst[,nw_proto,tp_src,tp_dst] → steer(G_1, forward)   (classify)
 * 605 in_port=P_a,dl_src=MAC_a,ip,nw_src=c.dst,nw_dst=c.src[,nw_proto,tp_src=c.dst_port,tp_dst=c.src_port]
 *                                                          → steer(G_k, reverse)     (symmetric)
 * 620 in_port=E_p          → steer(G_(i+1), forward)   (p in G_i, i &lt; k)   or deliver   (i = k)
 * 620 in_port=I_p          → steer(G_(i-1), reverse)   (p in G_i, i &gt; 1)   or deliver   (i = 1; symmetric)
 * 620 in_port=T_R,tunnel_id=sid(p,d) → output:the port of p that d enters       (p on S, frames from R)
 * 600 in_port=X,dl_dst=MAC_b → output:P_b, or set_field:v→tunnel_id,output:T_R   (deliver from hop port X)
 * 600 in_port=T_R,tunnel_id=v,dl_dst=MAC_b → output:P_b   (b on S, R a switch that delivers)
 * 300 in_port=I_p and in_port=E_p → drop                   (anything else from an appliance)
 * </pre>
 *
 * where steer(G, d) from S is, for a one-pair group, {@code output:port} when the pair's port is on
 * S, else {@code set_field:sid→tunnel_id,output:T_R}; for a group of several pairs, a select group
 * of S with one bucket per pair (in pair order, the same in both directions) doing that; a drop when
 * no pair is reachable from S (no tunnel), so traffic never bypasses an appliance. Classification is
 * only at member ports (frames from tunnels are never classified again); forward entries are above
 * reverse ones, so a frame both match goes forward. Deliver forwards unicast to members only.
 *
 * <p>Identifiers: the chain's entries carry the cookie {@link #COOKIE} | its steering base; its
 * steering ids are {@code steeringBase + n}, n counting (pair, direction) over the groups and pairs
 * in order (forward, then reverse when symmetric); the select group of (G, d) has the id
 * {@link #GROUP_ID_BASE} | sid(first pair of G, d). Steering ids come from the reserved VNI range
 * {@link #STEERING_FIRST}..{@link #STEERING_LAST}, which networks may not use.
 */
public final class ChainRenderer {
    /** The cookie of SFC entries: this, or'ed with the chain's steering base. */
    public static final long COOKIE = 0x05FC_0000_0000_0000L;
    /** The bits of a cookie that say it is SFC's. */
    public static final long COOKIE_MASK = 0xFFFF_0000_0000_0000L;
    /** First tunnel_id reserved for steering (RFC 7348 §5: a VNI is 24 bits, so this is within what VXLAN carries). */
    public static final long STEERING_FIRST = Network.FIRST_RESERVED_VNI;
    /** Last tunnel_id reserved for steering: 4,096 ids in all. */
    public static final long STEERING_LAST = Network.MAX_VNI;
    /** Select groups of chains have ids {@code GROUP_ID_BASE | steering id} (below OFPG_MAX, OF 1.3.5 §7.3.4.2). */
    public static final long GROUP_ID_BASE = 0x5F00_0000L;
    /** Steering: from hop ports and steering tunnels. */
    public static final int STEER_PRIORITY = 620;
    /** Classification, forward. */
    public static final int CLASSIFY_PRIORITY = 610;
    /** Classification, reverse (symmetric chains). */
    public static final int REVERSE_CLASSIFY_PRIORITY = 605;
    /** Delivery after the chain, by destination MAC; above the overlay's unicast entries (500). */
    public static final int DELIVER_PRIORITY = 600;
    /** Anything else from an appliance port: dropped, as the overlay's port-security drop. */
    public static final int DROP_PRIORITY = 300;

    /** The direction a frame travels the chain. */
    public enum Direction {
        FORWARD,
        REVERSE;

        /** As the API writes it. */
        public String apiName() {
            return this == FORWARD ? "forward" : "reverse";
        }
    }

    /**
     * A port-pair group with its pairs resolved.
     *
     * @param name the group's name
     * @param pairs its pairs, in order
     */
    public record Group(String name, List<PortPair> pairs) {
        public Group {
            pairs = List.copyOf(pairs);
        }
    }

    /**
     * Everything a chain's rendering depends on.
     *
     * @param chain the chain (its name and symmetric flag; its groups and classifiers are given resolved)
     * @param groups the chain's groups in order, resolved
     * @param classifiers the chain's classifiers, resolved
     * @param vni the VNI of the chain's network
     * @param members the network's members (switch, port, MAC) on every switch
     * @param tunnels every switch's tunnel port to each other switch
     * @param steeringBase the chain's first steering id; the chain uses {@link #steeringIds} from it
     * @param table the forwarding table (0, or the table behind the ACL)
     */
    public record Input(PortChain chain, List<Group> groups, List<FlowClassifier> classifiers, long vni, List<Member> members,
                        List<Tunnel> tunnels, long steeringBase, int table) {
        public Input {
            groups = List.copyOf(groups);
            classifiers = List.copyOf(classifiers);
            members = List.copyOf(members);
            tunnels = List.copyOf(tunnels);
        }
    }

    /**
     * A select group's bucket that sends to one pair: where to read its counters.
     *
     * @param dpid the switch holding the group
     * @param groupId the group
     * @param bucket the bucket's index
     */
    public record Select(DatapathId dpid, long groupId, int bucket) {
    }

    /**
     * One hop of the chain in one direction: where frames enter and leave the appliance instance.
     *
     * @param group the port-pair group's name
     * @param pair the port pair's name
     * @param direction the direction
     * @param steeringId the tunnel_id that carries frames of this direction to the pair from another switch
     * @param entry the port frames of this direction enter the appliance at (ingress forward, egress reverse)
     * @param exit the port they come back out at; the entries with {@code in_port} = exit count them
     * @param selects the select-group buckets that choose this pair
     */
    public record Hop(String group, String pair, Direction direction, long steeringId, HopPort entry, HopPort exit,
                      List<Select> selects) {
        public Hop {
            selects = List.copyOf(selects);
        }
    }

    /**
     * A chain's entries.
     *
     * @param cookie the cookie of all its flow entries
     * @param flows per switch, its flow entries in a stable order
     * @param groups per switch, its select groups (to be added before the flows that use them)
     * @param hops every (pair, direction) of the chain, in group and pair order
     */
    public record Rendering(long cookie, Map<DatapathId, List<FlowRule>> flows, Map<DatapathId, List<GroupRule>> groups,
                            List<Hop> hops) {
    }

    private ChainRenderer() {
    }

    /** How many steering ids a chain of these groups uses: one per pair and direction. */
    public static int steeringIds(boolean symmetric, List<Group> groups) {
        int pairs = groups.stream().mapToInt(g -> g.pairs().size()).sum();
        return symmetric ? 2 * pairs : pairs;
    }

    /** The chain's entries; IllegalArgumentException for an input that cannot be rendered (named in the message). */
    public static Rendering render(Input in) {
        return new Renderer(in).render();
    }

    /** The state of one rendering. */
    private static final class Renderer {
        private final Input in;
        private final long cookie;
        private final boolean symmetric;
        private final Map<DatapathId, Map<String, FlowRule>> flows = new LinkedHashMap<>();
        private final Map<DatapathId, Map<Long, GroupRule>> groups = new LinkedHashMap<>();
        /** sid[g][p][d]. */
        private final long[][][] sid;
        /** Per group, per pair, per direction: the buckets that select it. */
        private final List<List<List<List<Select>>>> selects = new ArrayList<>();

        Renderer(Input in) {
            this.in = in;
            this.symmetric = in.chain().symmetric();
            if (in.groups().isEmpty()) {
                throw new IllegalArgumentException("port_pair_groups: a chain has at least one port-pair group");
            }
            if (in.vni() >= STEERING_FIRST || in.vni() < 1) {
                throw new IllegalArgumentException("vni: " + in.vni() + " is not a network VNI (1.." + (STEERING_FIRST - 1)
                        + "; " + STEERING_FIRST + "..." + STEERING_LAST + " are steering ids)");
            }
            int needed = steeringIds(symmetric, in.groups());
            if (in.steeringBase() < STEERING_FIRST || in.steeringBase() + needed - 1 > STEERING_LAST) {
                throw new IllegalArgumentException("steering_base: " + needed + " steering ids from " + in.steeringBase()
                        + " are not within " + STEERING_FIRST + ".." + STEERING_LAST);
            }
            this.cookie = COOKIE | in.steeringBase();
            sid = new long[in.groups().size()][][];
            long next = in.steeringBase();
            for (int g = 0; g < in.groups().size(); g++) {
                Group group = in.groups().get(g);
                if (group.pairs().isEmpty()) {
                    throw new IllegalArgumentException("port_pairs: group " + group.name() + " has no port pair");
                }
                sid[g] = new long[group.pairs().size()][2];
                List<List<List<Select>>> perPair = new ArrayList<>();
                for (int p = 0; p < group.pairs().size(); p++) {
                    sid[g][p][0] = next++;
                    sid[g][p][1] = symmetric ? next++ : -1;
                    perPair.add(List.of(new ArrayList<>(), new ArrayList<>()));
                }
                selects.add(perPair);
            }
        }

        Rendering render() {
            int k = in.groups().size();
            // Classification at the members' ports.
            for (FlowClassifier c : in.classifiers()) {
                for (Member a : in.members()) {
                    boolean source = c.logicalSourcePort() == null || c.logicalSourcePort().equalsIgnoreCase(a.mac());
                    if (source) {
                        add(a.dpid(), CLASSIFY_PRIORITY, classify(a, c, false), steer(a.dpid(), 0, Direction.FORWARD));
                    }
                    if (symmetric && (c.logicalSourcePort() == null || !source)) {
                        add(a.dpid(), REVERSE_CLASSIFY_PRIORITY, classify(a, c, true), steer(a.dpid(), k - 1, Direction.REVERSE));
                    }
                }
            }
            // Frames coming back out of the appliances, and frames steered to them over tunnels.
            List<DatapathId> delivering = new ArrayList<>();
            for (int g = 0; g < k; g++) {
                Group group = in.groups().get(g);
                for (int p = 0; p < group.pairs().size(); p++) {
                    PortPair pair = group.pairs().get(p);
                    HopPort e = pair.egress();
                    HopPort i = pair.ingress();
                    if (g < k - 1) {
                        add(e.dpid(), STEER_PRIORITY, inPort(e.port()), steer(e.dpid(), g + 1, Direction.FORWARD));
                    } else {
                        deliver(e);
                        delivering.add(e.dpid());
                    }
                    if (symmetric) {
                        if (g > 0) {
                            add(i.dpid(), STEER_PRIORITY, inPort(i.port()), steer(i.dpid(), g - 1, Direction.REVERSE));
                        } else {
                            deliver(i);
                            delivering.add(i.dpid());
                        }
                    }
                    receiveSteered(i, sid[g][p][0]);
                    if (symmetric) {
                        receiveSteered(e, sid[g][p][1]);
                    }
                    add(i.dpid(), DROP_PRIORITY, inPort(i.port()), List.of());
                    add(e.dpid(), DROP_PRIORITY, inPort(e.port()), List.of());
                }
            }
            // Delivered frames that cross a tunnel reach their member on its switch.
            for (DatapathId s : delivering) {
                for (Tunnel t : in.tunnels()) {
                    if (!t.remote().equals(s)) {
                        continue;
                    }
                    for (Member b : in.members()) {
                        if (b.dpid().equals(t.dpid())) {
                            add(t.dpid(), DELIVER_PRIORITY, Map.of("in_port", Long.toString(t.port()), "tunnel_id",
                                    Long.toString(in.vni()), "dl_dst", b.mac()), List.of(FlowAction.output(Long.toString(b.port()))));
                        }
                    }
                }
            }
            Map<DatapathId, List<FlowRule>> f = new LinkedHashMap<>();
            flows.forEach((d, m) -> f.put(d, List.copyOf(m.values())));
            Map<DatapathId, List<GroupRule>> gs = new LinkedHashMap<>();
            groups.forEach((d, m) -> gs.put(d, List.copyOf(m.values())));
            List<Hop> hops = new ArrayList<>();
            for (int g = 0; g < k; g++) {
                Group group = in.groups().get(g);
                for (int p = 0; p < group.pairs().size(); p++) {
                    PortPair pair = group.pairs().get(p);
                    hops.add(new Hop(group.name(), pair.name(), Direction.FORWARD, sid[g][p][0], pair.ingress(), pair.egress(),
                            selects.get(g).get(p).get(0)));
                    if (symmetric) {
                        hops.add(new Hop(group.name(), pair.name(), Direction.REVERSE, sid[g][p][1], pair.egress(), pair.ingress(),
                                selects.get(g).get(p).get(1)));
                    }
                }
            }
            return new Rendering(cookie, f, gs, hops);
        }

        /** The classification match of member {@code a} for {@code c}, its fields swapped for the reverse direction. */
        private Map<String, String> classify(Member a, FlowClassifier c, boolean reverse) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("in_port", Long.toString(a.port()));
            m.put("dl_src", a.mac());
            m.put("dl_type", "0x0800");
            String src = reverse ? c.destinationIpPrefix() : c.sourceIpPrefix();
            String dst = reverse ? c.sourceIpPrefix() : c.destinationIpPrefix();
            Integer sport = reverse ? c.destinationPort() : c.sourcePort();
            Integer dport = reverse ? c.sourcePort() : c.destinationPort();
            if (src != null) {
                m.put("nw_src", src);
            }
            if (dst != null) {
                m.put("nw_dst", dst);
            }
            if (c.protocol() != null) {
                m.put("nw_proto", Integer.toString(c.protocol()));
            }
            if (sport != null) {
                m.put("tp_src", Integer.toString(sport));
            }
            if (dport != null) {
                m.put("tp_dst", Integer.toString(dport));
            }
            return m;
        }

        /** The actions that send a frame from switch {@code s} into group {@code g} in direction {@code d}. */
        private List<FlowAction> steer(DatapathId s, int g, Direction d) {
            Group group = in.groups().get(g);
            if (group.pairs().size() == 1) {
                List<FlowAction> a = toPair(s, g, 0, d);
                return a == null ? List.of() : a;
            }
            long groupId = GROUP_ID_BASE | sid[g][0][d.ordinal()];
            Map<Long, GroupRule> onS = groups.computeIfAbsent(s, x -> new LinkedHashMap<>());
            if (!onS.containsKey(groupId)) {
                List<GroupBucket> buckets = new ArrayList<>();
                for (int p = 0; p < group.pairs().size(); p++) {
                    List<FlowAction> a = toPair(s, g, p, d);
                    if (a != null) {
                        selects.get(g).get(p).get(d.ordinal()).add(new Select(s, groupId, buckets.size()));
                        buckets.add(new GroupBucket(1, null, a));
                    }
                }
                if (buckets.isEmpty()) {
                    return List.of();
                }
                onS.put(groupId, new GroupRule(groupId, "select", buckets));
            }
            return List.of(FlowAction.group(groupId));
        }

        /** Output to pair p of group g in direction d from switch s; null if s cannot reach it (no tunnel). */
        private List<FlowAction> toPair(DatapathId s, int g, int p, Direction d) {
            PortPair pair = in.groups().get(g).pairs().get(p);
            HopPort target = d == Direction.FORWARD ? pair.ingress() : pair.egress();
            if (target.dpid().equals(s)) {
                return List.of(FlowAction.output(Long.toString(target.port())));
            }
            Optional<Tunnel> t = tunnel(s, target.dpid());
            return t.map(x -> List.of(FlowAction.setField("tunnel_id", Long.toString(sid[g][p][d.ordinal()])),
                    FlowAction.output(Long.toString(x.port())))).orElse(null);
        }

        /** On the hop port's switch: frames arriving over any tunnel with the steering id go out to the hop port. */
        private void receiveSteered(HopPort port, long steeringId) {
            for (Tunnel t : in.tunnels()) {
                if (t.dpid().equals(port.dpid())) {
                    add(port.dpid(), STEER_PRIORITY, Map.of("in_port", Long.toString(t.port()), "tunnel_id", Long.toString(steeringId)),
                            List.of(FlowAction.output(Long.toString(port.port()))));
                }
            }
        }

        /** Frames coming out of hop port {@code x} go to their member by destination MAC, as the overlay would forward them. */
        private void deliver(HopPort x) {
            for (Member b : in.members()) {
                Map<String, String> m = Map.of("in_port", Long.toString(x.port()), "dl_dst", b.mac());
                if (b.dpid().equals(x.dpid())) {
                    add(x.dpid(), DELIVER_PRIORITY, m, List.of(FlowAction.output(Long.toString(b.port()))));
                } else {
                    Optional<Tunnel> t = tunnel(x.dpid(), b.dpid());
                    if (t.isPresent()) {
                        add(x.dpid(), DELIVER_PRIORITY, m, List.of(FlowAction.setField("tunnel_id", Long.toString(in.vni())),
                                FlowAction.output(Long.toString(t.get().port()))));
                    }
                }
            }
        }

        private Optional<Tunnel> tunnel(DatapathId from, DatapathId to) {
            return in.tunnels().stream().filter(t -> t.dpid().equals(from) && t.remote().equals(to)).findFirst();
        }

        private static Map<String, String> inPort(long port) {
            return Map.of("in_port", Long.toString(port));
        }

        /** Adds an entry; the first of one priority and match wins (the same entry rendered twice is one). */
        private void add(DatapathId dpid, int priority, Map<String, String> match, List<FlowAction> actions) {
            String key = priority + " " + new java.util.TreeMap<>(match);
            flows.computeIfAbsent(dpid, x -> new LinkedHashMap<>())
                    .putIfAbsent(key, new FlowRule(in.table(), priority, cookie, 0, 0, match, actions));
        }
    }
}
