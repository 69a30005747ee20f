package dev.iovirt.controller.sfc;

import java.util.List;

/**
 * A service chain (networking-sfc's port chain): traffic the classifiers select goes through the
 * port-pair groups in order, then on to its destination by the overlay's forwarding.
 *
 * @param name unique among chains
 * @param portPairGroups the groups in order, at least one, each in no other chain
 * @param flowClassifiers the classifiers, all of one network, each in no other chain
 * @param symmetric whether the reverse traffic (swapped addresses and ports) goes back through the
 *     groups in reverse order (networking-sfc's {@code chain_parameters.symmetric}; default true here)
 */
public record PortChain(String name, List<String> portPairGroups, List<String> flowClassifiers, boolean symmetric) {
    public PortChain {
        portPairGroups = List.copyOf(portPairGroups);
        flowClassifiers = List.copyOf(flowClassifiers);
    }
}
