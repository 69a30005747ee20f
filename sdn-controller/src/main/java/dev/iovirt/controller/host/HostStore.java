package dev.iovirt.controller.host;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Hosts by MAC address, in memory; each mutation returns the event it amounts to, or null. */
public final class HostStore {
    private final Map<MacAddress, Host> hosts = new ConcurrentHashMap<>();

    /** Records {@code mac} seen at (dpid, port), from {@code ip} unless null. */
    HostEvent seen(MacAddress mac, Ipv4Address ip, DatapathId dpid, PortNo port) {
        Host old = hosts.get(mac);
        if (old != null && old.dpid().equals(dpid) && old.port().equals(port) && (ip == null || old.ips().contains(ip))) {
            return null; // nothing new; lastSeen is refreshed only on changes, to keep the hot path cheap
        }
        Set<Ipv4Address> ips = new HashSet<>(old == null ? Set.of() : old.ips());
        if (ip != null && !ip.equals(Ipv4Address.ANY)) {
            ips.add(ip);
        }
        Host now = new Host(mac, ips, dpid, port, Instant.now());
        hosts.put(mac, now);
        if (old == null) {
            return new HostEvent(HostEvent.Type.HOST_ADDED, now, null);
        }
        boolean moved = !old.dpid().equals(dpid) || !old.port().equals(port);
        return new HostEvent(moved ? HostEvent.Type.HOST_MOVED : HostEvent.Type.HOST_UPDATED, now, old);
    }

    List<HostEvent> removeOn(DatapathId dpid) {
        List<HostEvent> out = new ArrayList<>();
        for (Host h : List.copyOf(hosts.values())) {
            if (h.dpid().equals(dpid) && hosts.remove(h.mac(), h)) {
                out.add(new HostEvent(HostEvent.Type.HOST_REMOVED, h, null));
            }
        }
        return out;
    }

    public List<Host> hosts() {
        List<Host> all = new ArrayList<>(hosts.values());
        all.sort((a, b) -> a.mac().compareTo(b.mac()));
        return all;
    }

    public Optional<Host> host(MacAddress mac) {
        return Optional.ofNullable(hosts.get(mac));
    }
}
