package dev.iovirt.controller.topology;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.openflow.OpenFlowController;
import dev.iovirt.controller.openflow.OpenFlowSwitch;
import dev.iovirt.controller.openflow.PacketProcessor;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.DatapathId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The owner of the link subsystem, with LLDP discovery as its provider.
 *
 * <pre>
 * DEVICE_ADDED ─▶ flow: dl_type=0x88cc → CONTROLLER (priority 65535), then a probe out of every up port
 * PORT_ADDED / PORT_UPDATED (up) ─▶ a probe out of that port at once, not only on the timer
 * every probe interval ─▶ a probe out of every up port of every switch; links not refreshed for
 *                         three intervals are removed
 * PACKET_IN of a probe at (B, q) that left (A, p) ─▶ link A/p → B/q (LINK_ADDED the first time)
 * port down or removed, switch removed ─▶ its links removed at once (LINK_REMOVED)
 * </pre>
 */
public final class TopologyManager implements TopologyService, PacketProcessor, DeviceListener, AutoCloseable {
    /** The LLDP-to-controller entry's priority: above every app's entries. */
    public static final int LLDP_PRIORITY = 0xFFFF;

    private final OpenFlowController controller;
    private final DeviceService devices;
    private final Duration probeInterval;
    private final Map<Link, Long> links = new ConcurrentHashMap<>();
    private final java.util.Set<Link> tunnelLinks = new java.util.LinkedHashSet<>();
    private final List<LinkListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;

    public TopologyManager(OpenFlowController controller, DeviceService devices, Duration probeInterval) {
        this.controller = controller;
        this.devices = devices;
        this.probeInterval = probeInterval;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lldp-discovery");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the periodic probes (discovery proper); without it the manager only serves an empty link set. */
    public void startProbing() {
        long ms = probeInterval.toMillis();
        timer.scheduleAtFixedRate(this::probeAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- provider: LLDP

    @Override
    public void event(DeviceEvent e) {
        DatapathId id = e.device().id();
        switch (e.type()) {
            case DEVICE_ADDED -> controller.getSwitch(id).ifPresent(sw -> {
                try {
                    sw.write(OfpFlowMod.builder(FlowModCommand.ADD).xid(sw.nextXid()).priority(LLDP_PRIORITY)
                            .match(Match.of(Oxm.exact(OxmField.ETH_TYPE, Lldp.ETHERTYPE)))
                            .apply(Action.Output.to(PortNo.CONTROLLER)).build());
                } catch (dev.iovirt.openflow.OfpException impossible) {
                    throw new IllegalStateException(impossible);
                }
                for (Port p : devices.ports(id)) {
                    probe(sw, p);
                }
            });
            case PORT_ADDED, PORT_UPDATED -> {
                if (e.port().isUp()) {
                    controller.getSwitch(id).ifPresent(sw -> probe(sw, e.port()));
                } else {
                    removeLinksAt(new ConnectPoint(id, e.port().portNo()));
                }
            }
            case PORT_REMOVED -> removeLinksAt(new ConnectPoint(id, e.port().portNo()));
            case DEVICE_REMOVED -> {
                for (Link l : List.copyOf(links.keySet())) {
                    if (l.src().dpid().equals(id) || l.dst().dpid().equals(id)) {
                        remove(l);
                    }
                }
            }
        }
    }

    private void probe(OpenFlowSwitch sw, Port p) {
        if (p.portNo().isReserved() || !p.isUp()) {
            return;
        }
        sw.write(OfpPacketOut.of(sw.nextXid(), PortNo.CONTROLLER, Lldp.probe(sw.dpid(), p.portNo(), p.hwAddr()),
                Action.Output.to(p.portNo())));
    }

    /** Probes every up port now and expires links not refreshed for three intervals. */
    public void probeAll() {
        for (OpenFlowSwitch sw : controller.switches()) {
            for (Port p : devices.ports(sw.dpid())) {
                probe(sw, p);
            }
        }
        long stale = System.nanoTime() - 3 * probeInterval.toNanos();
        for (Map.Entry<Link, Long> e : links.entrySet()) {
            if (e.getValue() < stale) {
                remove(e.getKey());
            }
        }
    }

    @Override
    public boolean process(OpenFlowSwitch sw, OfpPacketIn pi) {
        byte[] d = pi.data();
        if (!Lldp.isLldp(d)) {
            return false;
        }
        ConnectPoint src = Lldp.parse(d);
        Oxm in = pi.match().get(OxmField.IN_PORT);
        if (src != null && in != null && controller.getSwitch(src.dpid()).isPresent()) {
            learn(new Link(src, new ConnectPoint(sw.dpid(), PortNo.of((int) in.value()))));
        }
        return true; // LLDP is ours: no app forwards it
    }

    /** Records (or refreshes) a discovered link; LINK_ADDED the first time. Tests use it to build a topology directly. */
    void learn(Link l) {
        if (links.put(l, System.nanoTime()) == null) {
            post(new LinkEvent(LinkEvent.Type.LINK_ADDED, l));
        }
    }

    private void removeLinksAt(ConnectPoint cp) {
        for (Link l : List.copyOf(links.keySet())) {
            if (l.src().equals(cp) || l.dst().equals(cp)) {
                remove(l);
            }
        }
    }

    void remove(Link l) {
        if (links.remove(l) != null) {
            post(new LinkEvent(LinkEvent.Type.LINK_REMOVED, l));
        }
    }

    /**
     * Makes {@code wanted} the tunnel links (type {@link Link.Type#TUNNEL}) between switches {@code a}
     * and {@code b}, either way: LINK_REMOVED for each one no longer wanted, then LINK_ADDED for each
     * new one; the links between other switches stay as they are (a mesh of n switches has n(n-1)
     * tunnels, and a registration changes one pair). Tunnel links are registrations, not discoveries:
     * probes, port changes and expiry leave them alone.
     */
    public void setTunnelLinks(DatapathId a, DatapathId b, java.util.Collection<Link> wanted) {
        List<LinkEvent> events = new ArrayList<>();
        java.util.Set<Link> want = new java.util.LinkedHashSet<>(wanted);
        for (Link l : want) {
            if (l.type() != Link.Type.TUNNEL || !joins(l, a, b)) {
                throw new IllegalArgumentException("not a tunnel link between " + a + " and " + b + ": " + l);
            }
        }
        synchronized (tunnelLinks) {
            tunnelLinks.removeIf(l -> {
                boolean gone = joins(l, a, b) && !want.contains(l);
                if (gone) {
                    events.add(new LinkEvent(LinkEvent.Type.LINK_REMOVED, l));
                }
                return gone;
            });
            for (Link l : want) {
                if (tunnelLinks.add(l)) {
                    events.add(new LinkEvent(LinkEvent.Type.LINK_ADDED, l));
                }
            }
        }
        events.forEach(this::post);
    }

    private static boolean joins(Link l, DatapathId a, DatapathId b) {
        DatapathId s = l.src().dpid();
        DatapathId d = l.dst().dpid();
        return s.equals(a) && d.equals(b) || s.equals(b) && d.equals(a);
    }

    private void post(LinkEvent e) {
        for (LinkListener l : listeners) {
            l.event(e);
        }
    }

    // ---------------------------------------------------------------- service

    @Override
    public List<Link> links() {
        List<Link> all = new ArrayList<>(links.keySet());
        synchronized (tunnelLinks) {
            all.addAll(tunnelLinks);
        }
        all.sort((a, b) -> a.toString().compareTo(b.toString()));
        return all;
    }

    @Override
    public boolean isInfrastructure(DatapathId dpid, int port) {
        for (Link l : links()) {
            if ((l.src().dpid().equals(dpid) && l.src().port().value() == port)
                    || (l.dst().dpid().equals(dpid) && l.dst().port().value() == port)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<List<Link>> path(DatapathId src, DatapathId dst) {
        if (src.equals(dst)) {
            return Optional.of(List.of());
        }
        Map<DatapathId, List<Link>> out = new HashMap<>();
        for (Link l : links()) {
            out.computeIfAbsent(l.src().dpid(), k -> new ArrayList<>()).add(l);
        }
        // Breadth-first search: every link costs one hop.
        Map<DatapathId, Link> via = new HashMap<>();
        Deque<DatapathId> queue = new ArrayDeque<>(List.of(src));
        via.put(src, null);
        while (!queue.isEmpty()) {
            DatapathId at = queue.poll();
            for (Link l : out.getOrDefault(at, List.of())) {
                DatapathId next = l.dst().dpid();
                if (!via.containsKey(next)) {
                    via.put(next, l);
                    if (next.equals(dst)) {
                        List<Link> path = new ArrayList<>();
                        for (Link step = l; step != null; step = via.get(step.src().dpid())) {
                            path.add(step);
                        }
                        Collections.reverse(path);
                        return Optional.of(path);
                    }
                    queue.add(next);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<List<Link>> paths(DatapathId src, DatapathId dst) {
        if (src.equals(dst)) {
            return List.of(List.of());
        }
        Map<DatapathId, List<Link>> out = new HashMap<>();
        for (Link l : links()) { // sorted: the enumeration below is deterministic
            out.computeIfAbsent(l.src().dpid(), k -> new ArrayList<>()).add(l);
        }
        // Breadth-first search for every switch's hop count from src ...
        Map<DatapathId, Integer> dist = new HashMap<>();
        Deque<DatapathId> queue = new ArrayDeque<>(List.of(src));
        dist.put(src, 0);
        while (!queue.isEmpty()) {
            DatapathId at = queue.poll();
            for (Link l : out.getOrDefault(at, List.of())) {
                if (dist.putIfAbsent(l.dst().dpid(), dist.get(at) + 1) == null) {
                    queue.add(l.dst().dpid());
                }
            }
        }
        if (!dist.containsKey(dst)) {
            return List.of();
        }
        // ... then every walk from src along links that each go exactly one hop further, ending at dst.
        List<List<Link>> all = new ArrayList<>();
        extend(src, dst, dist, out, new ArrayList<>(), all);
        return List.copyOf(all);
    }

    private static void extend(DatapathId at, DatapathId dst, Map<DatapathId, Integer> dist,
            Map<DatapathId, List<Link>> out, List<Link> prefix, List<List<Link>> all) {
        if (at.equals(dst)) {
            all.add(List.copyOf(prefix));
            return;
        }
        int here = dist.get(at);
        if (here >= dist.get(dst)) {
            return;
        }
        for (Link l : out.getOrDefault(at, List.of())) {
            Integer next = dist.get(l.dst().dpid());
            if (next != null && next == here + 1) {
                prefix.add(l);
                extend(l.dst().dpid(), dst, dist, out, prefix, all);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    @Override
    public void addListener(LinkListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(LinkListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
