package dev.iovirt.controller.host;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.time.Instant;
import java.util.Set;

/**
 * An end host seen in packet-ins: where it is attached and which IPv4 addresses it used.
 *
 * @param mac its MAC address, the host's identity
 * @param ips the IPv4 addresses it sent from (ARP sender or IPv4 source)
 * @param dpid the switch it is attached to
 * @param port the port of that switch
 * @param lastSeen when a packet of it last reached the controller
 */
public record Host(MacAddress mac, Set<Ipv4Address> ips, DatapathId dpid, PortNo port, Instant lastSeen) {
    public Host {
        ips = Set.copyOf(ips);
    }
}
