package dev.iovirt.controller.app;

import dev.iovirt.controller.host.Host;
import dev.iovirt.controller.host.HostService;
import dev.iovirt.controller.openflow.OpenFlowSwitch;
import dev.iovirt.controller.openflow.PacketProcessor;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ARP responder ({@code --apps arp-responder}): an ARP request (RFC 826, op 1) for an IPv4
 * address the controller knows is answered by the controller itself, with a PACKET_OUT of the ARP
 * reply out of the port the request came in on, and consumed, so that the learning switch does not
 * flood it. Addresses come from static entries ({@link #addStatic}) first, then from the hosts
 * {@link HostService} has seen. A request for an unknown address, a gratuitous ARP (sender address
 * = target address) and anything else go on to the next processor.
 *
 * <pre>
 * PACKET_IN ─▶ TopologyManager (LLDP) ─▶ HostManager (learns the sender) ─▶ ArpResponder
 *     known target ─▶ PACKET_OUT(in_port=CONTROLLER, output:in_port, ARP reply); consumed
 *     otherwise    ─▶ LearningSwitch (flood)
 * </pre>
 */
public final class ArpResponder implements PacketProcessor {
    // RFC 826 over Ethernet and IPv4, without a VLAN tag: offsets in the frame.
    private static final int ETH_ARP = 0x0806;
    private static final int ARP_OP = 20;
    private static final int ARP_SHA = 22;
    private static final int ARP_SPA = 28;
    private static final int ARP_TPA = 38;
    private static final int ARP_LENGTH = 42;
    private static final int OP_REQUEST = 1;
    private static final int OP_REPLY = 2;

    private final HostService hosts;
    /** Whether the app runs (is a packet processor); the REST API refuses static entries otherwise. */
    private final boolean running;
    /** Static IPv4 → MAC entries, consulted before the learned hosts. */
    private final Map<Ipv4Address, MacAddress> statics = new ConcurrentHashMap<>();

    public ArpResponder(HostService hosts) {
        this(hosts, true);
    }

    public ArpResponder(HostService hosts, boolean running) {
        this.hosts = hosts;
        this.running = running;
    }

    public boolean running() {
        return running;
    }

    /** Answers requests for {@code ip} with {@code mac}, whether or not such a host was seen. */
    public void addStatic(Ipv4Address ip, MacAddress mac) {
        statics.put(ip, mac);
    }

    /** Removes the static entry for {@code ip}; false if there was none. */
    public boolean removeStatic(Ipv4Address ip) {
        return statics.remove(ip) != null;
    }

    /** The static entries, by address. */
    public Map<Ipv4Address, MacAddress> statics() {
        return new java.util.TreeMap<>(statics);
    }

    /** The MAC the responder answers for {@code ip}, if any. */
    public Optional<MacAddress> lookup(Ipv4Address ip) {
        MacAddress s = statics.get(ip);
        if (s != null) {
            return Optional.of(s);
        }
        return hosts.hosts().stream().filter(h -> h.ips().contains(ip)).map(Host::mac).findFirst();
    }

    @Override
    public boolean process(OpenFlowSwitch sw, OfpPacketIn pi) {
        byte[] d = pi.data();
        if (d.length < ARP_LENGTH || ((d[12] & 0xFF) << 8 | d[13] & 0xFF) != ETH_ARP
                || ((d[ARP_OP] & 0xFF) << 8 | d[ARP_OP + 1] & 0xFF) != OP_REQUEST) {
            return false;
        }
        Oxm in = pi.match().get(OxmField.IN_PORT);
        if (in == null) {
            return false;
        }
        MacAddress requester = MacAddress.read(d, ARP_SHA);
        Ipv4Address requesterIp = Ipv4Address.read(d, ARP_SPA);
        Ipv4Address target = Ipv4Address.read(d, ARP_TPA);
        if (target.equals(requesterIp)) {
            return false; // gratuitous ARP: an announcement, not a question
        }
        Optional<MacAddress> answer = lookup(target);
        if (answer.isEmpty()) {
            return false;
        }
        byte[] reply = PacketBuilder.ethernet(answer.get(), requester)
                .arp(OP_REPLY, answer.get(), target, requester, requesterIp).build();
        sw.write(new OfpPacketOut(0, dev.iovirt.openflow.BufferId.NO_BUFFER, PortNo.CONTROLLER,
                java.util.List.of(Action.Output.to(PortNo.of((int) in.value()))), reply));
        return true;
    }
}
