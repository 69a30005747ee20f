package dev.iovirt.controller.sfc;

import dev.iovirt.openflow.DatapathId;

/**
 * A switch port where an appliance instance is attached.
 *
 * @param dpid the switch
 * @param port the port number on it
 */
public record HopPort(DatapathId dpid, long port) {
    @Override
    public String toString() {
        return dpid + ":" + port;
    }
}
