package dev.iovirt.controller.sfc;

import java.util.List;

/**
 * The instances of one appliance (networking-sfc's port-pair group). With more than one pair the
 * load is spread by an OpenFlow select group (OF 1.3.5 §5.6.1) whose buckets are the pairs in this
 * order, in both directions, so that the switch's symmetric hash sends both directions of a
 * connection to the same instance.
 *
 * @param name unique among groups
 * @param portPairs the names of its port pairs, at least one, each in no other group
 */
public record PortPairGroup(String name, List<String> portPairs) {
    public PortPairGroup {
        portPairs = List.copyOf(portPairs);
    }
}
