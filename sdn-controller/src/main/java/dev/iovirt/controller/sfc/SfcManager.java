package dev.iovirt.controller.sfc;

import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Network;
import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.controller.network.NetworkException.Kind;
import dev.iovirt.controller.network.NetworkGuard;
import dev.iovirt.controller.network.NetworkManager;
import dev.iovirt.controller.network.Tunnel;
import dev.iovirt.packet.Ipv4Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The owner of the service-chain objects (networking-sfc's port pairs, port-pair groups, flow
 * classifiers and port chains): keeps them in memory, checks every change, allocates each chain's
 * block of steering ids, and then has the {@linkplain #setProgrammer programmer} ({@link SfcApp},
 * when the overlay runs) bring the switches up to date; a change's future completes when it has.
 *
 * <p>Refusals are {@link NetworkException}s naming the field, thrown before anything changes:
 * NOT_FOUND for a referenced object that is missing (404), CONFLICT for a name taken, an object
 * already used elsewhere or in use when deleted, overlapping classifiers, appliance ports that are
 * members' or tunnels' ports, steering ids exhausted (409), INVALID for what cannot be right (400).
 *
 * <p>Invariant: all state here is guarded by the {@link NetworkManager}'s monitor, the lock of the
 * networks too, so that a member added on an appliance port and a port pair on a member's port
 * cannot both pass (the manager asks this class, as its {@link NetworkGuard}, under that lock).
 */
public final class SfcManager implements NetworkGuard {
    private final NetworkManager networks;
    private final Object lock;
    private final Map<String, PortPair> pairs = new LinkedHashMap<>();
    private final Map<String, PortPairGroup> groups = new LinkedHashMap<>();
    private final Map<String, FlowClassifier> classifiers = new LinkedHashMap<>();
    private final Map<String, PortChain> chains = new LinkedHashMap<>();
    /** Per chain, its first steering id. */
    private final Map<String, Long> steeringBases = new LinkedHashMap<>();
    private volatile Supplier<CompletableFuture<Void>> programmer = () -> CompletableFuture.completedFuture(null);

    public SfcManager(NetworkManager networks) {
        this.networks = networks;
        this.lock = networks;
        networks.setGuard(this);
    }

    /** Who brings the switches up to date after a change ({@link SfcApp#sync}); by default nobody. */
    public void setProgrammer(Supplier<CompletableFuture<Void>> programmer) {
        this.programmer = programmer;
    }

    // ---------------------------------------------------------------- reads

    public List<PortPair> portPairs() {
        synchronized (lock) {
            return List.copyOf(pairs.values());
        }
    }

    public Optional<PortPair> portPair(String name) {
        synchronized (lock) {
            return Optional.ofNullable(pairs.get(name));
        }
    }

    public List<PortPairGroup> portPairGroups() {
        synchronized (lock) {
            return List.copyOf(groups.values());
        }
    }

    public Optional<PortPairGroup> portPairGroup(String name) {
        synchronized (lock) {
            return Optional.ofNullable(groups.get(name));
        }
    }

    public List<FlowClassifier> flowClassifiers() {
        synchronized (lock) {
            return List.copyOf(classifiers.values());
        }
    }

    public Optional<FlowClassifier> flowClassifier(String name) {
        synchronized (lock) {
            return Optional.ofNullable(classifiers.get(name));
        }
    }

    public List<PortChain> portChains() {
        synchronized (lock) {
            return List.copyOf(chains.values());
        }
    }

    public Optional<PortChain> portChain(String name) {
        synchronized (lock) {
            return Optional.ofNullable(chains.get(name));
        }
    }

    /** The chain's first steering id (its ids are this and the following {@link ChainRenderer#steeringIds}). */
    public Optional<Long> steeringBase(String chain) {
        synchronized (lock) {
            return Optional.ofNullable(steeringBases.get(chain));
        }
    }

    /** What {@link ChainRenderer} needs for every chain, resolved against the networks as they are now, in chain order. */
    public List<ChainRenderer.Input> renderInputs(int table) {
        synchronized (lock) {
            List<ChainRenderer.Input> out = new ArrayList<>();
            for (PortChain c : chains.values()) {
                input(c, table).ifPresent(out::add);
            }
            return out;
        }
    }

    /** The render input of one chain, if it exists. */
    public Optional<ChainRenderer.Input> renderInput(String chain, int table) {
        synchronized (lock) {
            PortChain c = chains.get(chain);
            return c == null ? Optional.empty() : input(c, table);
        }
    }

    private Optional<ChainRenderer.Input> input(PortChain c, int table) {
        List<ChainRenderer.Group> gs = new ArrayList<>();
        for (String g : c.portPairGroups()) {
            gs.add(new ChainRenderer.Group(g, groups.get(g).portPairs().stream().map(pairs::get).toList()));
        }
        List<FlowClassifier> cs = c.flowClassifiers().stream().map(classifiers::get).toList();
        Optional<Network> n = networks.network(cs.get(0).network());
        if (n.isEmpty()) { // cannot happen: a network a classifier uses is not removed
            return Optional.empty();
        }
        return Optional.of(new ChainRenderer.Input(c, gs, cs, n.get().vni(), networks.members(n.get().name()), networks.tunnels(),
                steeringBases.get(c.name()), table));
    }

    // ---------------------------------------------------------------- port pairs

    public CompletableFuture<PortPair> addPortPair(PortPair p) {
        synchronized (lock) {
            requireName(p.name());
            if (pairs.containsKey(p.name())) {
                throw new NetworkException(Kind.CONFLICT, "port pair " + p.name() + " exists", "name");
            }
            if (p.ingress().equals(p.egress())) {
                throw new NetworkException(Kind.INVALID, "a port pair's egress is another port than its ingress (the port a frame "
                        + "comes back on tells its direction)", "egress");
            }
            checkHopPort(p.ingress(), "ingress");
            checkHopPort(p.egress(), "egress");
            pairs.put(p.name(), p);
        }
        return CompletableFuture.completedFuture(p);
    }

    private void checkHopPort(HopPort h, String field) {
        for (Member m : networks.members()) {
            if (m.dpid().equals(h.dpid()) && m.port() == h.port()) {
                throw new NetworkException(Kind.CONFLICT, "port " + h + " is a member's port (network " + m.network() + ")", field);
            }
        }
        for (Tunnel t : networks.tunnels()) {
            if (t.dpid().equals(h.dpid()) && t.port() == h.port()) {
                throw new NetworkException(Kind.CONFLICT, "port " + h + " is the tunnel to " + t.remote(), field);
            }
        }
        for (PortPair other : pairs.values()) {
            if (other.ingress().equals(h) || other.egress().equals(h)) {
                throw new NetworkException(Kind.CONFLICT, "port " + h + " is port pair " + other.name() + "'s", field);
            }
        }
    }

    public CompletableFuture<PortPair> removePortPair(String name) {
        synchronized (lock) {
            PortPair p = pairs.get(name);
            if (p == null) {
                throw notFound("port pair", name);
            }
            for (PortPairGroup g : groups.values()) {
                if (g.portPairs().contains(name)) {
                    throw new NetworkException(Kind.CONFLICT, "port pair " + name + " is in port-pair group " + g.name(), "name");
                }
            }
            pairs.remove(name);
            return CompletableFuture.completedFuture(p);
        }
    }

    // ---------------------------------------------------------------- port-pair groups

    public CompletableFuture<PortPairGroup> addPortPairGroup(PortPairGroup g) {
        synchronized (lock) {
            requireName(g.name());
            if (groups.containsKey(g.name())) {
                throw new NetworkException(Kind.CONFLICT, "port-pair group " + g.name() + " exists", "name");
            }
            if (g.portPairs().isEmpty()) {
                throw new NetworkException(Kind.INVALID, "a port-pair group has at least one port pair", "port_pairs");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < g.portPairs().size(); i++) {
                String p = g.portPairs().get(i);
                String field = "port_pairs[" + i + "]";
                if (!pairs.containsKey(p)) {
                    throw new NetworkException(Kind.NOT_FOUND, "no port pair " + p, field);
                }
                if (!seen.add(p)) {
                    throw new NetworkException(Kind.INVALID, "port pair " + p + " is in the group twice", field);
                }
                for (PortPairGroup other : groups.values()) {
                    if (other.portPairs().contains(p)) {
                        throw new NetworkException(Kind.CONFLICT, "port pair " + p + " is in port-pair group " + other.name(), field);
                    }
                }
            }
            groups.put(g.name(), g);
        }
        return CompletableFuture.completedFuture(g);
    }

    public CompletableFuture<PortPairGroup> removePortPairGroup(String name) {
        synchronized (lock) {
            PortPairGroup g = groups.get(name);
            if (g == null) {
                throw notFound("port-pair group", name);
            }
            for (PortChain c : chains.values()) {
                if (c.portPairGroups().contains(name)) {
                    throw new NetworkException(Kind.CONFLICT, "port-pair group " + name + " is in port chain " + c.name(), "name");
                }
            }
            groups.remove(name);
            return CompletableFuture.completedFuture(g);
        }
    }

    // ---------------------------------------------------------------- flow classifiers

    public CompletableFuture<FlowClassifier> addFlowClassifier(FlowClassifier c) {
        synchronized (lock) {
            requireName(c.name());
            if (classifiers.containsKey(c.name())) {
                throw new NetworkException(Kind.CONFLICT, "flow classifier " + c.name() + " exists", "name");
            }
            if (networks.network(c.network()).isEmpty()) {
                throw new NetworkException(Kind.NOT_FOUND, "no network " + c.network(), "network");
            }
            prefix(c.sourceIpPrefix(), "source_ip_prefix");
            prefix(c.destinationIpPrefix(), "destination_ip_prefix");
            if (c.protocol() != null && (c.protocol() < 0 || c.protocol() > 255)) {
                throw new NetworkException(Kind.INVALID, "protocol is an IP protocol number 0..255", "protocol");
            }
            for (String[] port : new String[][] {{"source_port_range_min", String.valueOf(c.sourcePort())},
                    {"destination_port_range_min", String.valueOf(c.destinationPort())}}) {
                if (!port[1].equals("null") && (c.protocol() == null || (c.protocol() != 6 && c.protocol() != 17))) {
                    throw new NetworkException(Kind.INVALID, "a transport port needs protocol tcp (6) or udp (17)", port[0]);
                }
            }
            if (c.logicalSourcePort() != null && networks.members(c.network()).stream()
                    .noneMatch(m -> m.mac().equalsIgnoreCase(c.logicalSourcePort()))) {
                throw new NetworkException(Kind.NOT_FOUND, "network " + c.network() + " has no member " + c.logicalSourcePort(),
                        "logical_source_port");
            }
            FlowClassifier normal = c.logicalSourcePort() == null ? c : new FlowClassifier(c.name(), c.network(), c.protocol(),
                    c.sourceIpPrefix(), c.destinationIpPrefix(), c.sourcePort(), c.destinationPort(),
                    c.logicalSourcePort().toLowerCase(java.util.Locale.ROOT));
            classifiers.put(c.name(), normal);
            return CompletableFuture.completedFuture(normal);
        }
    }

    public CompletableFuture<FlowClassifier> removeFlowClassifier(String name) {
        synchronized (lock) {
            FlowClassifier c = classifiers.get(name);
            if (c == null) {
                throw notFound("flow classifier", name);
            }
            for (PortChain ch : chains.values()) {
                if (ch.flowClassifiers().contains(name)) {
                    throw new NetworkException(Kind.CONFLICT, "flow classifier " + name + " is in port chain " + ch.name(), "name");
                }
            }
            classifiers.remove(name);
            return CompletableFuture.completedFuture(c);
        }
    }

    // ---------------------------------------------------------------- port chains

    public CompletableFuture<PortChain> addPortChain(PortChain c) {
        synchronized (lock) {
            requireName(c.name());
            if (chains.containsKey(c.name())) {
                throw new NetworkException(Kind.CONFLICT, "port chain " + c.name() + " exists", "name");
            }
            if (c.portPairGroups().isEmpty()) {
                throw new NetworkException(Kind.INVALID, "a port chain has at least one port-pair group", "port_pair_groups");
            }
            if (c.flowClassifiers().isEmpty()) {
                throw new NetworkException(Kind.INVALID, "a port chain has at least one flow classifier (it says the chain's network)",
                        "flow_classifiers");
            }
            Set<String> seen = new HashSet<>();
            List<ChainRenderer.Group> resolved = new ArrayList<>();
            for (int i = 0; i < c.portPairGroups().size(); i++) {
                String g = c.portPairGroups().get(i);
                String field = "port_pair_groups[" + i + "]";
                if (!groups.containsKey(g)) {
                    throw new NetworkException(Kind.NOT_FOUND, "no port-pair group " + g, field);
                }
                if (!seen.add(g)) {
                    throw new NetworkException(Kind.INVALID, "port-pair group " + g + " is in the chain twice", field);
                }
                for (PortChain other : chains.values()) {
                    if (other.portPairGroups().contains(g)) {
                        throw new NetworkException(Kind.CONFLICT, "port-pair group " + g + " is in port chain " + other.name(), field);
                    }
                }
                resolved.add(new ChainRenderer.Group(g, groups.get(g).portPairs().stream().map(pairs::get).toList()));
            }
            String network = null;
            seen.clear();
            for (int i = 0; i < c.flowClassifiers().size(); i++) {
                String name = c.flowClassifiers().get(i);
                String field = "flow_classifiers[" + i + "]";
                FlowClassifier fc = classifiers.get(name);
                if (fc == null) {
                    throw new NetworkException(Kind.NOT_FOUND, "no flow classifier " + name, field);
                }
                if (!seen.add(name)) {
                    throw new NetworkException(Kind.INVALID, "flow classifier " + name + " is in the chain twice", field);
                }
                if (network != null && !network.equals(fc.network())) {
                    throw new NetworkException(Kind.INVALID, "a chain's classifiers are of one network: " + name + " is of "
                            + fc.network() + ", not " + network, field);
                }
                network = fc.network();
                for (PortChain other : chains.values()) {
                    if (other.flowClassifiers().contains(name)) {
                        throw new NetworkException(Kind.CONFLICT, "flow classifier " + name + " is in port chain " + other.name(), field);
                    }
                    for (String o : other.flowClassifiers()) {
                        FlowClassifier oc = classifiers.get(o);
                        if (overlap(fc, oc) || overlap(fc, swapped(oc)) || overlap(swapped(fc), oc)) {
                            throw new NetworkException(Kind.CONFLICT, "flow classifier " + name + " overlaps " + o + " of port chain "
                                    + other.name() + " on network " + fc.network() + " (in one direction or the other)", field);
                        }
                    }
                }
                for (int j = 0; j < i; j++) {
                    FlowClassifier earlier = classifiers.get(c.flowClassifiers().get(j));
                    if (overlap(fc, earlier)) {
                        throw new NetworkException(Kind.CONFLICT, "flow classifier " + name + " overlaps " + earlier.name(), field);
                    }
                }
            }
            int needed = ChainRenderer.steeringIds(c.symmetric(), resolved);
            long base = allocate(needed);
            chains.put(c.name(), c);
            steeringBases.put(c.name(), base);
        }
        return programmer.get().thenApply(v -> c);
    }

    /** The first free block of {@code n} steering ids; CONFLICT when there is none. */
    private long allocate(int n) {
        TreeMap<Long, Long> used = new TreeMap<>(); // start → end (exclusive)
        for (PortChain c : chains.values()) {
            long b = steeringBases.get(c.name());
            List<ChainRenderer.Group> gs = c.portPairGroups().stream()
                    .map(g -> new ChainRenderer.Group(g, groups.get(g).portPairs().stream().map(pairs::get).toList())).toList();
            used.put(b, b + ChainRenderer.steeringIds(c.symmetric(), gs));
        }
        long candidate = ChainRenderer.STEERING_FIRST;
        for (Map.Entry<Long, Long> e : used.entrySet()) {
            if (candidate + n <= e.getKey()) {
                break;
            }
            candidate = Math.max(candidate, e.getValue());
        }
        if (candidate + n - 1 > ChainRenderer.STEERING_LAST) {
            throw new NetworkException(Kind.CONFLICT, "no " + n + " free steering ids left in " + ChainRenderer.STEERING_FIRST + ".."
                    + ChainRenderer.STEERING_LAST + " (one per port pair and direction)", "port_pair_groups");
        }
        return candidate;
    }

    public CompletableFuture<PortChain> removePortChain(String name) {
        PortChain c;
        synchronized (lock) {
            c = chains.remove(name);
            if (c == null) {
                throw notFound("port chain", name);
            }
            steeringBases.remove(name);
        }
        return programmer.get().thenApply(v -> c);
    }

    // ---------------------------------------------------------------- the networks' guard

    @Override
    public void checkMember(Member m) {
        synchronized (lock) {
            for (PortPair p : pairs.values()) {
                HopPort h = new HopPort(m.dpid(), m.port());
                if (p.ingress().equals(h) || p.egress().equals(h)) {
                    throw new NetworkException(Kind.CONFLICT, "port " + h + " is port pair " + p.name() + "'s", "port");
                }
            }
        }
    }

    @Override
    public void checkTunnel(Tunnel t) {
        synchronized (lock) {
            for (PortPair p : pairs.values()) {
                HopPort h = new HopPort(t.dpid(), t.port());
                if (p.ingress().equals(h) || p.egress().equals(h)) {
                    throw new NetworkException(Kind.CONFLICT, "port " + h + " is port pair " + p.name() + "'s", "port");
                }
            }
        }
    }

    @Override
    public void checkRemove(String network) {
        synchronized (lock) {
            for (FlowClassifier c : classifiers.values()) {
                if (c.network().equals(network)) {
                    throw new NetworkException(Kind.CONFLICT, "network " + network + " is flow classifier " + c.name() + "'s", "name");
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new NetworkException(Kind.INVALID, "a name is required", "name");
        }
    }

    private static NetworkException notFound(String what, String name) {
        return new NetworkException(Kind.NOT_FOUND, "no " + what + " " + name, "name");
    }

    /** A prefix as (address, length); null for none. */
    private static long[] prefix(String text, String field) {
        if (text == null) {
            return null;
        }
        try {
            int slash = text.indexOf('/');
            long addr = Ipv4Address.of(slash < 0 ? text : text.substring(0, slash)).bits() & 0xFFFF_FFFFL;
            int len = slash < 0 ? 32 : Integer.parseInt(text.substring(slash + 1));
            if (len < 0 || len > 32) {
                throw new IllegalArgumentException("prefix length " + len);
            }
            return new long[] {addr, len};
        } catch (RuntimeException e) {
            throw new NetworkException(Kind.INVALID, field + " is an IPv4 address or prefix (10.0.0.0/24), not '" + text + "'", field);
        }
    }

    private static boolean prefixesOverlap(String a, String b) {
        long[] x = prefix(a, "prefix");
        long[] y = prefix(b, "prefix");
        if (x == null || y == null) {
            return true;
        }
        long len = Math.min(x[1], y[1]);
        long mask = len == 0 ? 0 : (0xFFFF_FFFFL << (32 - len)) & 0xFFFF_FFFFL;
        return (x[0] & mask) == (y[0] & mask);
    }

    private static <T> boolean same(T a, T b) {
        return a == null || b == null || a.equals(b);
    }

    /** Whether one packet can match both (network, addresses, protocol, ports and source member). */
    static boolean overlap(FlowClassifier a, FlowClassifier b) {
        return a.network().equals(b.network()) && prefixesOverlap(a.sourceIpPrefix(), b.sourceIpPrefix())
                && prefixesOverlap(a.destinationIpPrefix(), b.destinationIpPrefix()) && same(a.protocol(), b.protocol())
                && same(a.sourcePort(), b.sourcePort()) && same(a.destinationPort(), b.destinationPort());
    }

    /** The classifier of the reverse direction (source and destination swapped). */
    static FlowClassifier swapped(FlowClassifier c) {
        return new FlowClassifier(c.name(), c.network(), c.protocol(), c.destinationIpPrefix(), c.sourceIpPrefix(), c.destinationPort(),
                c.sourcePort(), null);
    }
}
