package dev.iovirt.controller.sfc;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.flow.FlowEntry;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRuleService;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.flow.FlowSelector;
import dev.iovirt.controller.group.GroupRule;
import dev.iovirt.controller.group.GroupService;
import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.GroupStats;
import dev.iovirt.openflow.Oxm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The service-chain app: renders every port chain with {@link ChainRenderer} and keeps the
 * switches' SFC flow entries and select groups equal to the rendering, as the overlay app does for
 * its entries. It runs with the overlay app (chains rely on its forwarding at the destination) and
 * is called after every change of networks, members, tunnels and chains; it recomputes every
 * switch and sends only the difference, in an order that never leaves a flow pointing at a missing
 * group: groups added or modified first (OFPGC_ADD / OFPGC_MODIFY), then flows added and deleted
 * (ADD / DELETE_STRICT), then groups no longer wanted deleted; each step confirmed by barriers.
 *
 * <p>A switch that connects is first asked for the SFC entries (cookie {@link ChainRenderer#COOKIE}
 * in the forwarding table) and groups (ids {@link ChainRenderer#GROUP_ID_BASE}..) it still holds,
 * so that those no longer wanted are deleted. An entry a switch refuses is not counted as installed
 * and is sent again with the next change.
 */
public final class SfcApp implements DeviceListener {
    private static final Logger LOG = Logger.getLogger(SfcApp.class.getName());

    private final SfcManager sfc;
    private final DeviceService devices;
    private final FlowRuleService flows;
    private final GroupService groups;
    private final int table;
    private final Map<DatapathId, Map<Key, FlowRule>> installedFlows = new HashMap<>();
    private final Map<DatapathId, Map<Long, GroupRule>> installedGroups = new HashMap<>();
    /** The latest sync; the next one starts after it. */
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    /** An entry's identity on the switch: priority and match fields (in any order). */
    private record Key(int priority, Set<Oxm> match) {
        static Key of(FlowRule r) {
            return new Key(r.priority(), Set.copyOf(FlowRules.toMatch(r.match()).fields()));
        }
    }

    /**
     * One hop's counters.
     *
     * @param hop the hop (group, pair, direction, ports)
     * @param packets frames that came back out of the appliance in this direction (the entries with in_port = its exit port)
     * @param bytes their bytes
     * @param selectedPackets frames the select groups sent to this pair in this direction (bucket counters), or 0
     * @param selectedBytes their bytes
     */
    public record HopCounters(ChainRenderer.Hop hop, long packets, long bytes, long selectedPackets, long selectedBytes) {
    }

    /** {@code table}: the forwarding table (0, or 1 behind the ACL), the overlay's. */
    public SfcApp(SfcManager sfc, DeviceService devices, FlowRuleService flows, GroupService groups, int table) {
        this.sfc = sfc;
        this.devices = devices;
        this.flows = flows;
        this.groups = groups;
        this.table = table;
    }

    @Override
    public void event(DeviceEvent e) {
        DatapathId dpid = e.device().id();
        if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
            // A switch that cannot say what it holds is treated as holding nothing of ours (it gets everything again).
            CompletableFuture<List<FlowEntry>> f = flows.flows(dpid).exceptionally(x -> List.of());
            CompletableFuture<List<GroupRule>> g = groups.groups(dpid).exceptionally(x -> List.of());
            f.thenCombine(g, (entries, gs) -> {
                Map<Key, FlowRule> foundFlows = new HashMap<>();
                for (FlowEntry fe : entries) {
                    FlowRule r = fe.rule();
                    if ((r.cookie() & ChainRenderer.COOKIE_MASK) == ChainRenderer.COOKIE && r.table() == table) {
                        try {
                            foundFlows.put(Key.of(r), r);
                        } catch (RuntimeException unreadable) {
                            LOG.log(Level.FINE, "SFC entry not understood: " + fe.flow(), unreadable);
                        }
                    }
                }
                Map<Long, GroupRule> foundGroups = new HashMap<>();
                for (GroupRule r : gs) {
                    if ((r.groupId() & 0xFF00_0000L) == ChainRenderer.GROUP_ID_BASE) {
                        foundGroups.put(r.groupId(), r);
                    }
                }
                synchronized (this) {
                    installedFlows.put(dpid, foundFlows);
                    installedGroups.put(dpid, foundGroups);
                }
                return sync();
            }).thenCompose(x -> x).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "SFC entries not installed on " + dpid, failure);
                }
            });
        } else if (e.type() == DeviceEvent.Type.DEVICE_REMOVED) {
            synchronized (this) {
                installedFlows.remove(dpid);
                installedGroups.remove(dpid);
            }
        }
    }

    /** What every switch should hold now: flows and groups per switch, every chain merged. */
    public Map<DatapathId, Wanted> wanted() {
        Map<DatapathId, Wanted> out = new LinkedHashMap<>();
        for (ChainRenderer.Input in : sfc.renderInputs(table)) {
            ChainRenderer.Rendering r;
            try {
                r = ChainRenderer.render(in);
            } catch (IllegalArgumentException e) { // the manager's checks keep this from happening
                LOG.log(Level.WARNING, "port chain " + in.chain().name() + " not rendered", e);
                continue;
            }
            r.flows().forEach((d, fs) -> fs.forEach(f -> out.computeIfAbsent(d, x -> new Wanted()).flows.putIfAbsent(Key.of(f), f)));
            r.groups().forEach((d, gs) -> gs.forEach(g -> out.computeIfAbsent(d, x -> new Wanted()).groups.put(g.groupId(), g)));
        }
        return out;
    }

    /** A switch's wanted SFC state. */
    public static final class Wanted {
        private final Map<Key, FlowRule> flows = new LinkedHashMap<>();
        private final Map<Long, GroupRule> groups = new LinkedHashMap<>();

        public List<FlowRule> flows() {
            return List.copyOf(flows.values());
        }

        public List<GroupRule> groups() {
            return List.copyOf(groups.values());
        }
    }

    /**
     * Brings every connected switch's SFC entries up to date; completes when all confirmed, or fails
     * with the first refusal. Syncs run one after the other (each starts when the previous one has
     * finished, whatever its outcome), so that the group adds of one cannot overtake the group
     * deletes of another on a switch.
     */
    public CompletableFuture<Void> sync() {
        synchronized (this) {
            CompletableFuture<Void> next = last.handle((v, failure) -> null).thenCompose(v -> syncNow());
            last = next;
            return next;
        }
    }

    private CompletableFuture<Void> syncNow() {
        Map<DatapathId, Wanted> want = wanted();
        List<CompletableFuture<?>> all = new ArrayList<>();
        synchronized (this) {
            Set<DatapathId> dpids = new java.util.LinkedHashSet<>(want.keySet());
            dpids.addAll(installedFlows.keySet());
            dpids.addAll(installedGroups.keySet());
            for (DatapathId dpid : dpids) {
                if (devices.device(dpid).isEmpty()) {
                    continue;
                }
                all.add(syncSwitch(dpid, want.getOrDefault(dpid, new Wanted())));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Invariant: called holding this. */
    private CompletableFuture<Void> syncSwitch(DatapathId dpid, Wanted want) {
        Map<Long, GroupRule> haveGroups = installedGroups.computeIfAbsent(dpid, d -> new HashMap<>());
        Map<Key, FlowRule> haveFlows = installedFlows.computeIfAbsent(dpid, d -> new HashMap<>());
        installedGroups.put(dpid, new HashMap<>(want.groups));
        installedFlows.put(dpid, new HashMap<>(want.flows));
        // 1. groups added or changed
        List<CompletableFuture<?>> step1 = new ArrayList<>();
        for (GroupRule g : want.groups.values()) {
            GroupRule had = haveGroups.get(g.groupId());
            if (!g.equals(had)) {
                CompletableFuture<Void> f = had == null ? groups.add(dpid, g) : groups.modify(dpid, g);
                step1.add(f.whenComplete((v, failure) -> {
                    if (failure != null) {
                        forgetGroup(dpid, g);
                    }
                }));
            }
        }
        return CompletableFuture.allOf(step1.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            // 2. flows added and deleted
            List<CompletableFuture<?>> step2 = new ArrayList<>();
            for (Map.Entry<Key, FlowRule> w : want.flows.entrySet()) {
                if (!w.getValue().equals(haveFlows.get(w.getKey()))) {
                    step2.add(flows.add(dpid, w.getValue()).whenComplete((fm, failure) -> {
                        if (failure != null) {
                            forgetFlow(dpid, w.getKey(), w.getValue());
                        }
                    }));
                }
            }
            for (Map.Entry<Key, FlowRule> h : haveFlows.entrySet()) {
                if (!want.flows.containsKey(h.getKey())) {
                    try {
                        step2.add(flows.remove(dpid, new FlowSelector(table, h.getKey().priority(), null, h.getValue().match(), true))
                                .whenComplete((fm, failure) -> {
                                    if (failure != null) {
                                        rememberFlow(dpid, h.getKey(), h.getValue());
                                    }
                                }));
                    } catch (RuntimeException unreadable) {
                        LOG.log(Level.WARNING, "stale SFC entry not deleted from " + dpid + ": " + h.getValue(), unreadable);
                    }
                }
            }
            return CompletableFuture.allOf(step2.toArray(CompletableFuture[]::new));
        }).thenCompose(v -> {
            // 3. groups no longer wanted (their flows are gone)
            List<CompletableFuture<?>> step3 = new ArrayList<>();
            for (GroupRule g : haveGroups.values()) {
                if (!want.groups.containsKey(g.groupId())) {
                    step3.add(groups.remove(dpid, g.groupId()).whenComplete((x, failure) -> {
                        if (failure != null) {
                            rememberGroup(dpid, g);
                        }
                    }));
                }
            }
            return CompletableFuture.allOf(step3.toArray(CompletableFuture[]::new));
        });
    }

    private synchronized void forgetFlow(DatapathId dpid, Key k, FlowRule r) {
        Map<Key, FlowRule> m = installedFlows.get(dpid);
        if (m != null) {
            m.remove(k, r);
        }
    }

    private synchronized void rememberFlow(DatapathId dpid, Key k, FlowRule r) {
        Map<Key, FlowRule> m = installedFlows.get(dpid);
        if (m != null) {
            m.putIfAbsent(k, r);
        }
    }

    private synchronized void forgetGroup(DatapathId dpid, GroupRule g) {
        Map<Long, GroupRule> m = installedGroups.get(dpid);
        if (m != null) {
            m.remove(g.groupId(), g);
        }
    }

    private synchronized void rememberGroup(DatapathId dpid, GroupRule g) {
        Map<Long, GroupRule> m = installedGroups.get(dpid);
        if (m != null) {
            m.putIfAbsent(g.groupId(), g);
        }
    }

    /**
     * The chain's counters per hop, read from the switches: flow statistics (OFPMP_FLOW) of the
     * entries leaving each hop's exit port, and the bucket counters (OFPMP_GROUP) of the select
     * groups that choose it. NOT_FOUND (naming {@code name}) for an unknown chain.
     */
    public CompletableFuture<List<HopCounters>> counters(String chain) {
        ChainRenderer.Input in = sfc.renderInput(chain, table).orElseThrow(() ->
                new NetworkException(NetworkException.Kind.NOT_FOUND, "no port chain " + chain, "name"));
        ChainRenderer.Rendering r = ChainRenderer.render(in);
        Set<DatapathId> dpids = new java.util.LinkedHashSet<>();
        for (ChainRenderer.Hop h : r.hops()) {
            dpids.add(h.exit().dpid());
            h.selects().forEach(s -> dpids.add(s.dpid()));
        }
        Map<DatapathId, CompletableFuture<List<FlowEntry>>> flowStats = new HashMap<>();
        Map<DatapathId, CompletableFuture<List<GroupStats>>> groupStats = new HashMap<>();
        for (DatapathId d : dpids) {
            if (devices.device(d).isPresent()) {
                flowStats.put(d, flows.flows(d));
                groupStats.put(d, r.groups().containsKey(d) ? groups.groupStats(d) : CompletableFuture.completedFuture(List.of()));
            }
        }
        List<CompletableFuture<?>> all = new ArrayList<>(flowStats.values());
        all.addAll(groupStats.values());
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<HopCounters> out = new ArrayList<>();
            for (ChainRenderer.Hop h : r.hops()) {
                long packets = 0;
                long bytes = 0;
                CompletableFuture<List<FlowEntry>> fs = flowStats.get(h.exit().dpid());
                if (fs != null) {
                    for (FlowEntry e : fs.join()) {
                        if (e.rule().cookie() == r.cookie() && e.rule().table() == table
                                && Long.toString(h.exit().port()).equals(e.rule().match().get("in_port"))) {
                            packets += e.packetCount();
                            bytes += e.byteCount();
                        }
                    }
                }
                long selPackets = 0;
                long selBytes = 0;
                for (ChainRenderer.Select s : h.selects()) {
                    CompletableFuture<List<GroupStats>> gs = groupStats.get(s.dpid());
                    if (gs == null) {
                        continue;
                    }
                    for (GroupStats g : gs.join()) {
                        if ((g.groupId().value() & 0xFFFF_FFFFL) == s.groupId() && g.bucketCounters().length > 2 * s.bucket() + 1) {
                            selPackets += g.bucketCounters()[2 * s.bucket()];
                            selBytes += g.bucketCounters()[2 * s.bucket() + 1];
                        }
                    }
                }
                out.add(new HopCounters(h, packets, bytes, selPackets, selBytes));
            }
            return out;
        });
    }
}
