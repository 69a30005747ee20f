package dev.iovirt.controller.network;

import dev.iovirt.openflow.DatapathId;

/**
 * A VXLAN tunnel port: the port of switch {@code dpid} that reaches switch {@code remote}.
 *
 * @param dpid the switch
 * @param port its VXLAN port (configured out of band, with {@code options:key=flow})
 * @param remote the switch at the other end
 */
public record Tunnel(DatapathId dpid, long port, DatapathId remote) {
}
