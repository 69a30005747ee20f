package dev.iovirt.controller.topology;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortNo;

/**
 * A port of a switch: one end of a link.
 *
 * @param dpid the switch
 * @param port the port on it
 */
public record ConnectPoint(DatapathId dpid, PortNo port) {
    @Override
    public String toString() {
        return dpid + "/" + port;
    }
}
