package dev.iovirt.controller.network;

import dev.iovirt.openflow.DatapathId;
import java.util.List;

/**
 * A service chain: the traffic of {@code network} entering from its member ports on the chain's switch goes through
 * the appliance ports in order before the overlay forwards it. All appliance ports are on one switch (single-switch
 * chains); the appliances themselves (NFV) are out of scope.
 *
 * @param name unique
 * @param network the network whose traffic is steered
 * @param hops the appliance ports, in order, at least one
 */
public record Chain(String name, String network, List<Hop> hops) {
    /** An appliance port: frames leave towards the appliance on it and come back on it. */
    public record Hop(DatapathId dpid, long port) {
    }

    public Chain {
        hops = List.copyOf(hops);
    }

    /** The switch of the chain (that of its first hop). */
    public DatapathId dpid() {
        return hops.get(0).dpid();
    }
}
