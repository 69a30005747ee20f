package dev.iovirt.controller.host;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.openflow.OpenFlowSwitch;
import dev.iovirt.controller.openflow.PacketProcessor;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

/**
 * The owner of host tracking; its provider is the packet-in stream. From every ARP (sender MAC and
 * IP) and IPv4 (source MAC and IP) packet-in it learns where a host is attached; seeing a MAC on
 * another edge port is a move. Ports that are switch-to-switch links (as topology discovery
 * reports them) are not edges: a flooded packet arriving there says nothing about its sender.
 *
 * <pre>switch ─PACKET_IN─▶ HostManager.process ─▶ HostStore ─HostEvent─▶ listeners</pre>
 */
public final class HostManager implements HostService, PacketProcessor, DeviceListener {
    private static final int ETH_ARP = 0x0806;
    private static final int ETH_IPV4 = 0x0800;

    private final HostStore store = new HostStore();
    private final List<HostListener> listeners = new CopyOnWriteArrayList<>();
    private volatile BiPredicate<DatapathId, Integer> infrastructurePort = (d, p) -> false;

    /** Tells the manager which ports are switch-to-switch links. */
    public void setInfrastructurePorts(BiPredicate<DatapathId, Integer> isInfrastructure) {
        this.infrastructurePort = isInfrastructure;
    }

    @Override
    public boolean process(OpenFlowSwitch sw, OfpPacketIn pi) {
        byte[] d = pi.data();
        if (d.length < 34 || (d[6] & 1) != 0) {
            return false;
        }
        int ethType = (d[12] & 0xFF) << 8 | d[13] & 0xFF;
        int ip;
        if (ethType == ETH_ARP && d.length >= 42) {
            ip = Ipv4Address.read(d, 28).bits(); // ARP sender protocol address (RFC 826)
        } else if (ethType == ETH_IPV4) {
            ip = Ipv4Address.read(d, 26).bits(); // IPv4 source address (RFC 791)
        } else {
            return false;
        }
        Oxm in = pi.match().get(OxmField.IN_PORT);
        if (in == null || infrastructurePort.test(sw.dpid(), (int) in.value())) {
            return false;
        }
        HostEvent e = store.seen(MacAddress.read(d, 6), ip == 0 ? null : Ipv4Address.of(ip), sw.dpid(), PortNo.of((int) in.value()));
        if (e != null) {
            post(e);
        }
        return false; // observe only: forwarding is another app's job
    }

    @Override
    public void event(DeviceEvent e) {
        if (e.type() == DeviceEvent.Type.DEVICE_REMOVED) {
            store.removeOn(e.device().id()).forEach(this::post);
        }
    }

    private void post(HostEvent e) {
        for (HostListener l : listeners) {
            l.event(e);
        }
    }

    @Override
    public List<Host> hosts() {
        return store.hosts();
    }

    @Override
    public Optional<Host> host(MacAddress mac) {
        return store.host(mac);
    }

    @Override
    public void addListener(HostListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(HostListener listener) {
        listeners.remove(listener);
    }
}
