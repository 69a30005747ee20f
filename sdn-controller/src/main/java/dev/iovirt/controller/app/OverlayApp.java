package dev.iovirt.controller.app;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.flow.FlowEntry;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRuleService;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.flow.FlowSelector;
import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Network;
import dev.iovirt.controller.network.NetworkService;
import dev.iovirt.controller.network.Tunnel;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Oxm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code overlay} app: proactive flows so every member of a network reaches every other, on
 * one switch or across switches over VXLAN ({@code iovirt run} registers its topology's networks
 * with it: TopologyRun.programNetworks). On switch S, for each network N (VNI v):
 *
 * <pre>
 * prio 500  in_port=P_a, dl_src=MAC_a, dl_dst=MAC_b            → output:P_b                  (b local)
 * prio 500  in_port=P_a, dl_src=MAC_a, dl_dst=MAC_b            → set_field:v→tunnel_id, output:T_R  (b on R)
 * prio 400  in_port=P_a, dl_src=MAC_a, dl_dst=01:00:00:00:00:00/01:00:00:00:00:00
 *                                                               → output:local ports but P_a, set_field:v→tunnel_id, output:T_R...
 * prio 500  in_port=T_R, tunnel_id=v, dl_dst=MAC_b             → output:P_b                  (b local)
 * prio 400  in_port=T_R, tunnel_id=v, dl_dst=multicast         → output:local ports only     (split horizon)
 * prio 300  in_port=P_a                                        → drop   (port security: any other source MAC)
 * prio 300  in_port=T_R                                        → drop   (no other VNI enters)
 * </pre>
 *
 * where P is a member's port, T_R this switch's registered tunnel to switch R. A member whose
 * switch S has no tunnel to is left out of S's flows. Entries go in table 0, or in table 1 (the
 * forwarding table) when the ACL runs, so the ACL still filters first; they are above the learning
 * switch's (priority 10), which keeps serving the ports that are in no network. Every entry's
 * cookie is {@link #COOKIE} or'ed with the VNI (0 for the tunnel ports' drop).
 *
 * <p>The app keeps what it installed on each switch; a change recomputes the switch's entries and
 * sends only the difference (ADD for new or changed entries, DELETE_STRICT for gone ones), each
 * confirmed by a barrier through the {@link FlowRuleService}. A switch that connects gets its
 * entries, after the app asked it for the overlay entries it still holds (OFPMP_FLOW, cookie
 * {@link #COOKIE} in the overlay's table) so that those no longer wanted are deleted; one that
 * disconnects is forgotten. An entry the switch refuses is not counted as
 * installed (the change fails with the switch's error; the next change of that switch sends it
 * again), a delete it refuses is tried again the same way.
 */
public final class OverlayApp implements DeviceListener {
    private static final Logger LOG = Logger.getLogger(OverlayApp.class.getName());
    /** The cookie of overlay entries: this, or'ed with the network's VNI. */
    public static final long COOKIE = 0x0E7A_0000_0000_0000L;
    /** The bits of a cookie that say it is the overlay's. */
    public static final long COOKIE_MASK = 0xFFFF_0000_0000_0000L;
    /** Unicast entries. */
    public static final int UNICAST_PRIORITY = 500;
    /** Flood (broadcast and multicast) entries. */
    public static final int FLOOD_PRIORITY = 400;
    /** Port security: the drop below a member's or a tunnel's entries. */
    public static final int DROP_PRIORITY = 300;
    /** Multicast bit of a MAC, as value/mask. */
    public static final String MULTICAST = "01:00:00:00:00:00/01:00:00:00:00:00";

    private final NetworkService networks;
    private final DeviceService devices;
    private final FlowRuleService flows;
    private final int table;
    /** Per switch: what it has of ours, by (priority, match). */
    private final Map<DatapathId, Map<Key, FlowRule>> installed = new HashMap<>();
    /** Per switch: the sync that followed its latest connection. */
    private final Map<DatapathId, CompletableFuture<Void>> connected = new java.util.concurrent.ConcurrentHashMap<>();

    /** An entry's identity on the switch: priority and match fields (in any order). */
    private record Key(int priority, Set<Oxm> match) {
        static Key of(FlowRule r) {
            return new Key(r.priority(), Set.copyOf(FlowRules.toMatch(r.match()).fields()));
        }
    }

    /** {@code table}: 0, or the forwarding table when the ACL runs. */
    public OverlayApp(NetworkService networks, DeviceService devices, FlowRuleService flows, int table) {
        this.networks = networks;
        this.devices = devices;
        this.flows = flows;
        this.table = table;
    }

    public int table() {
        return table;
    }

    @Override
    public void event(DeviceEvent e) {
        DatapathId dpid = e.device().id();
        if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
            // The switch may still hold entries of ours from before (a reconnect keeps its tables):
            // ask it, so that the sync deletes those no longer wanted.
            flows.flows(dpid).handle((entries, failure) -> {
                Map<Key, FlowRule> found = new HashMap<>();
                if (entries != null) {
                    for (FlowEntry f : entries) {
                        FlowRule r = f.rule();
                        if ((r.cookie() & COOKIE_MASK) == COOKIE && r.table() == table) {
                            try {
                                found.put(Key.of(r), r);
                            } catch (RuntimeException unreadable) {
                                LOG.log(Level.FINE, "overlay entry not understood: " + f.flow(), unreadable);
                            }
                        }
                    }
                }
                synchronized (this) {
                    installed.put(dpid, found);
                }
                return sync(Set.of(dpid));
            }).thenCompose(f -> f).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "overlay entries not installed on " + dpid, failure);
                    whenSynced(dpid).completeExceptionally(failure);
                } else {
                    whenSynced(dpid).complete(null);
                }
            });
        } else if (e.type() == DeviceEvent.Type.DEVICE_REMOVED) {
            synchronized (this) {
                installed.remove(dpid);
            }
            connected.remove(dpid);
        }
    }

    /**
     * Completes when switch {@code dpid} has connected and every entry it should have was confirmed
     * (fails with the switch's refusal). Who registered networks before the switches connected waits
     * on this instead of on each change (each of which programs only connected switches).
     */
    public CompletableFuture<Void> whenSynced(DatapathId dpid) {
        return connected.computeIfAbsent(dpid, d -> new CompletableFuture<>());
    }

    /**
     * Brings the entries of the connected switches among {@code dpids} up to date; completes when
     * every switch confirmed, or fails with the first refusal.
     */
    public CompletableFuture<Void> sync(Set<DatapathId> dpids) {
        List<CompletableFuture<?>> changes = new ArrayList<>();
        synchronized (this) {
            for (DatapathId dpid : dpids) {
                if (devices.device(dpid).isEmpty()) {
                    continue;
                }
                Map<Key, FlowRule> want = new LinkedHashMap<>();
                for (FlowRule r : flowsFor(dpid)) {
                    want.put(Key.of(r), r);
                }
                Map<Key, FlowRule> have = installed.computeIfAbsent(dpid, d -> new HashMap<>());
                Map<Key, FlowRule> now = new HashMap<>(want);
                installed.put(dpid, now); // before sending: a refusal completing at once must find it
                for (Map.Entry<Key, FlowRule> w : want.entrySet()) {
                    if (!w.getValue().equals(have.get(w.getKey()))) {
                        // A refused entry is not counted as installed, so the next change sends it again.
                        changes.add(flows.add(dpid, w.getValue()).whenComplete((fm, failure) -> {
                            if (failure != null) {
                                forget(dpid, w.getKey(), w.getValue());
                            }
                        }));
                    }
                }
                for (Map.Entry<Key, FlowRule> h : have.entrySet()) {
                    if (!want.containsKey(h.getKey())) {
                        Key k = h.getKey();
                        try {
                            changes.add(flows.remove(dpid, new FlowSelector(table, k.priority(), null, h.getValue().match(), true))
                                    .whenComplete((fm, failure) -> {
                                        if (failure != null) {
                                            remember(dpid, k, h.getValue());
                                        }
                                    }));
                        } catch (RuntimeException unreadable) { // an entry the switch reported that we cannot write back
                            LOG.log(Level.WARNING, "stale overlay entry not deleted from " + dpid + ": " + h.getValue(), unreadable);
                        }
                    }
                }
            }
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new));
    }

    private synchronized void forget(DatapathId dpid, Key k, FlowRule r) {
        Map<Key, FlowRule> m = installed.get(dpid);
        if (m != null) {
            m.remove(k, r);
        }
    }

    private synchronized void remember(DatapathId dpid, Key k, FlowRule r) {
        Map<Key, FlowRule> m = installed.get(dpid);
        if (m != null) {
            m.putIfAbsent(k, r);
        }
    }

    /** The overlay entries switch {@code dpid} should have now, in a stable order. */
    public List<FlowRule> flowsFor(DatapathId dpid) {
        List<FlowRule> out = new ArrayList<>();
        Set<Long> tunnelPorts = new LinkedHashSet<>();
        for (Network n : networks.networks()) {
            List<Member> members = networks.members(n.name());
            long cookie = COOKIE | n.vni();
            FlowAction intoNetwork = FlowAction.setField("tunnel_id", Long.toString(n.vni()));
            List<Member> local = members.stream().filter(m -> m.dpid().equals(dpid)).toList();
            if (local.isEmpty()) {
                continue;
            }
            // The remote switches with members, reachable through a tunnel from here.
            Map<DatapathId, Tunnel> remotes = new LinkedHashMap<>();
            for (Member m : members) {
                if (!m.dpid().equals(dpid)) {
                    Optional<Tunnel> t = networks.tunnel(dpid, m.dpid());
                    t.ifPresent(x -> remotes.putIfAbsent(m.dpid(), x));
                }
            }
            Set<Long> memberPorts = new LinkedHashSet<>();
            for (Member from : local) {
                memberPorts.add(from.port());
                List<FlowAction> flood = new ArrayList<>();
                for (Member to : members) {
                    if (to == from) {
                        continue;
                    }
                    Map<String, String> match = Map.of("in_port", Long.toString(from.port()), "dl_src", from.mac(), "dl_dst", to.mac());
                    if (to.dpid().equals(dpid)) {
                        FlowAction out1 = FlowAction.output(Long.toString(to.port()));
                        if (to.port() != from.port() && !flood.contains(out1)) {
                            flood.add(out1);
                        }
                        out.add(rule(UNICAST_PRIORITY, cookie, match, List.of(out1)));
                    } else if (remotes.containsKey(to.dpid())) {
                        out.add(rule(UNICAST_PRIORITY, cookie, match,
                                List.of(intoNetwork, FlowAction.output(Long.toString(remotes.get(to.dpid()).port())))));
                    }
                }
                if (!remotes.isEmpty()) {
                    flood.add(intoNetwork);
                    remotes.values().forEach(t -> flood.add(FlowAction.output(Long.toString(t.port()))));
                }
                if (!flood.isEmpty()) {
                    out.add(rule(FLOOD_PRIORITY, cookie, Map.of("in_port", Long.toString(from.port()), "dl_src", from.mac(),
                            "dl_dst", MULTICAST), flood));
                }
            }
            for (Tunnel t : remotes.values()) {
                tunnelPorts.add(t.port());
                String in = Long.toString(t.port());
                String vni = Long.toString(n.vni());
                List<FlowAction> flood = new ArrayList<>();
                for (Member to : local) {
                    FlowAction o = FlowAction.output(Long.toString(to.port()));
                    out.add(rule(UNICAST_PRIORITY, cookie, Map.of("in_port", in, "tunnel_id", vni, "dl_dst", to.mac()), List.of(o)));
                    if (!flood.contains(o)) {
                        flood.add(o);
                    }
                }
                out.add(rule(FLOOD_PRIORITY, cookie, Map.of("in_port", in, "tunnel_id", vni, "dl_dst", MULTICAST), flood));
            }
            for (long p : memberPorts) {
                out.add(rule(DROP_PRIORITY, cookie, Map.of("in_port", Long.toString(p)), List.of()));
            }
        }
        for (long p : tunnelPorts) {
            out.add(rule(DROP_PRIORITY, COOKIE, Map.of("in_port", Long.toString(p)), List.of()));
        }
        return out;
    }

    private FlowRule rule(int priority, long cookie, Map<String, String> match, List<FlowAction> actions) {
        return new FlowRule(table, priority, cookie, 0, 0, match, actions);
    }
}
