package dev.iovirt.controller.network;

import dev.iovirt.openflow.DatapathId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The owner of the networks: keeps them (in memory), checks every change, tells the listeners,
 * then has the {@linkplain #setProgrammer programmer} (the overlay app, when it runs) bring the
 * affected switches' flows up to date; the change's future completes when it has.
 */
public final class NetworkManager implements NetworkService {
    private static final Logger LOG = Logger.getLogger(NetworkManager.class.getName());

    private final Map<String, Network> networks = new LinkedHashMap<>();
    private final Map<String, List<Member>> members = new LinkedHashMap<>();
    private final List<Tunnel> tunnels = new ArrayList<>();
    /** The tunnels by (dpid, remote): the overlay looks one up for every remote member of every switch. */
    private final Map<List<DatapathId>, Tunnel> tunnelsByEnds = new java.util.HashMap<>();
    private volatile NetworkGuard guard = NetworkGuard.NONE;
    private final List<NetworkListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Function<Set<DatapathId>, CompletableFuture<Void>> programmer = dpids -> CompletableFuture.completedFuture(null);

    /**
     * What else a change must respect (the service chains' ports and classifiers); asked under this
     * manager's lock, which is also the lock of the SFC state ({@link dev.iovirt.controller.sfc.SfcManager}).
     */
    public void setGuard(NetworkGuard guard) {
        this.guard = guard;
    }

    /** Who brings switches' flows up to date after a change (the overlay app); by default nobody. */
    public void setProgrammer(Function<Set<DatapathId>, CompletableFuture<Void>> programmer) {
        this.programmer = programmer;
    }

    @Override
    public synchronized List<Network> networks() {
        return List.copyOf(networks.values());
    }

    @Override
    public synchronized Optional<Network> network(String name) {
        return Optional.ofNullable(networks.get(name));
    }

    @Override
    public synchronized List<Member> members(String network) {
        return List.copyOf(members.getOrDefault(network, List.of()));
    }

    @Override
    public synchronized List<Member> members() {
        return members.values().stream().flatMap(List::stream).toList();
    }

    @Override
    public synchronized List<Tunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    @Override
    public synchronized Optional<Tunnel> tunnel(DatapathId dpid, DatapathId remote) {
        return Optional.ofNullable(tunnelsByEnds.get(List.of(dpid, remote)));
    }

    @Override
    public CompletableFuture<Network> add(Network n) {
        synchronized (this) {
            if (n.vni() < 1 || n.vni() > Network.MAX_VNI) {
                throw new NetworkException(NetworkException.Kind.INVALID, "vni must be in 1.." + Network.MAX_VNI + ", not " + n.vni(), "vni");
            }
            if (n.vni() >= Network.FIRST_RESERVED_VNI) {
                throw new NetworkException(NetworkException.Kind.INVALID, "VNIs " + Network.FIRST_RESERVED_VNI + ".." + Network.MAX_VNI
                        + " are reserved for service-chain steering, not " + n.vni(), "vni");
            }
            if (n.name() == null || n.name().isBlank() || n.name().equals("tunnels")) {
                throw new NetworkException(NetworkException.Kind.INVALID, "a network cannot be named '" + n.name() + "'", "name");
            }
            if (networks.containsKey(n.name())) {
                throw new NetworkException(NetworkException.Kind.CONFLICT, "network " + n.name() + " exists", "name");
            }
            for (Network other : networks.values()) {
                if (other.vni() == n.vni()) {
                    throw new NetworkException(NetworkException.Kind.CONFLICT, "VNI " + n.vni() + " is network " + other.name() + "'s", "vni");
                }
            }
            networks.put(n.name(), n);
            members.put(n.name(), new ArrayList<>());
        }
        tell(new NetworkEvent(NetworkEvent.Type.NETWORK_ADDED, n, null, null));
        return CompletableFuture.completedFuture(n);
    }

    @Override
    public CompletableFuture<Network> remove(String name) {
        Network n;
        List<Member> gone;
        synchronized (this) {
            if (!networks.containsKey(name)) {
                throw unknownNetwork(name);
            }
            guard.checkRemove(name);
            n = networks.remove(name);
            gone = members.remove(name);
        }
        for (Member m : gone) {
            tell(new NetworkEvent(NetworkEvent.Type.MEMBER_REMOVED, n, m, null));
        }
        tell(new NetworkEvent(NetworkEvent.Type.NETWORK_REMOVED, n, null, null));
        return program(affected(gone)).thenApply(v -> n);
    }

    @Override
    public CompletableFuture<Member> addMember(Member m) {
        Member normal = new Member(m.network(), m.dpid(), m.port(), m.mac().toLowerCase(Locale.ROOT), m.ipv4());
        Network n;
        List<Member> before;
        synchronized (this) {
            n = networks.get(m.network());
            if (n == null) {
                throw unknownNetwork(m.network());
            }
            before = List.copyOf(members.get(n.name()));
            for (Map.Entry<String, List<Member>> e : members.entrySet()) {
                for (Member other : e.getValue()) {
                    if (e.getKey().equals(n.name()) && other.mac().equals(normal.mac())) {
                        throw new NetworkException(NetworkException.Kind.CONFLICT, "MAC " + normal.mac() + " is already a member of "
                                + n.name(), "mac");
                    }
                    if (!e.getKey().equals(n.name()) && other.dpid().equals(normal.dpid()) && other.port() == normal.port()) {
                        throw new NetworkException(NetworkException.Kind.CONFLICT, "port " + normal.port() + " of " + normal.dpid()
                                + " belongs to network " + e.getKey(), "port");
                    }
                }
            }
            guard.checkMember(normal);
            members.get(n.name()).add(normal);
        }
        tell(new NetworkEvent(NetworkEvent.Type.MEMBER_ADDED, n, normal, null));
        List<Member> all = new ArrayList<>(before);
        all.add(normal);
        return program(affected(all)).thenApply(v -> normal);
    }

    @Override
    public CompletableFuture<Member> removeMember(String network, String mac) {
        String lower = mac.toLowerCase(Locale.ROOT);
        Network n;
        Member gone;
        List<Member> before;
        synchronized (this) {
            n = networks.get(network);
            if (n == null) {
                throw unknownNetwork(network);
            }
            before = List.copyOf(members.get(network));
            gone = before.stream().filter(x -> x.mac().equals(lower)).findFirst().orElseThrow(() -> new NetworkException(
                    NetworkException.Kind.NOT_FOUND, "network " + network + " has no member " + lower, "mac"));
            members.get(network).remove(gone);
        }
        tell(new NetworkEvent(NetworkEvent.Type.MEMBER_REMOVED, n, gone, null));
        return program(affected(before)).thenApply(v -> gone);
    }

    @Override
    public CompletableFuture<Tunnel> addTunnel(Tunnel t) {
        synchronized (this) {
            if (t.dpid().equals(t.remote())) {
                throw new NetworkException(NetworkException.Kind.INVALID, "a tunnel goes to another switch", "remote_dpid");
            }
            for (Tunnel other : tunnels) {
                if (other.dpid().equals(t.dpid()) && other.port() == t.port()) {
                    throw new NetworkException(NetworkException.Kind.CONFLICT, "port " + t.port() + " of " + t.dpid()
                            + " is already the tunnel to " + other.remote(), "port");
                }
                if (other.dpid().equals(t.dpid()) && other.remote().equals(t.remote())) {
                    throw new NetworkException(NetworkException.Kind.CONFLICT, t.dpid() + " already tunnels to " + t.remote()
                            + " on port " + other.port(), "remote_dpid");
                }
            }
            guard.checkTunnel(t);
            tunnels.add(t);
            tunnelsByEnds.put(List.of(t.dpid(), t.remote()), t);
        }
        tell(new NetworkEvent(NetworkEvent.Type.TUNNEL_ADDED, null, null, t));
        return program(Set.of(t.dpid())).thenApply(v -> t);
    }

    @Override
    public CompletableFuture<Tunnel> removeTunnel(DatapathId dpid, long port) {
        Tunnel t;
        synchronized (this) {
            t = tunnels.stream().filter(x -> x.dpid().equals(dpid) && x.port() == port).findFirst().orElseThrow(() ->
                    new NetworkException(NetworkException.Kind.NOT_FOUND, dpid + " has no tunnel on port " + port, "port"));
            tunnels.remove(t);
            tunnelsByEnds.remove(List.of(t.dpid(), t.remote()));
        }
        tell(new NetworkEvent(NetworkEvent.Type.TUNNEL_REMOVED, null, null, t));
        return program(Set.of(dpid)).thenApply(v -> t);
    }

    @Override
    public void addListener(NetworkListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(NetworkListener listener) {
        listeners.remove(listener);
    }

    private static NetworkException unknownNetwork(String name) {
        return new NetworkException(NetworkException.Kind.NOT_FOUND, "no network " + name, "name");
    }

    private static Set<DatapathId> affected(List<Member> ms) {
        return ms.stream().map(Member::dpid).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private CompletableFuture<Void> program(Set<DatapathId> dpids) {
        return dpids.isEmpty() ? CompletableFuture.completedFuture(null) : programmer.apply(dpids);
    }

    private void tell(NetworkEvent e) {
        for (NetworkListener l : listeners) {
            try {
                l.event(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "network listener failed", ex);
            }
        }
    }
}
