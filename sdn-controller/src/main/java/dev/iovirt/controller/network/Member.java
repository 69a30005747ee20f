package dev.iovirt.controller.network;

import dev.iovirt.openflow.DatapathId;

/**
 * An endpoint of a network: a VM's vNIC as the switch sees it.
 *
 * @param network the network's name
 * @param dpid the switch it is attached to
 * @param port the switch port
 * @param mac its MAC, lower case (port security: only frames from this MAC enter the network)
 * @param ipv4 its IPv4 address, or null
 */
public record Member(String network, DatapathId dpid, long port, String mac, String ipv4) {
}
