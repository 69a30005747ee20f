package dev.iovirt.platform.topology;

import java.util.List;

/**
 * A service chain: traffic from one network to another is steered through appliances, in order.
 *
 * @param name unique among chains
 * @param from the source network's name
 * @param to the destination network's name
 * @param through the appliances' names, in the order packets visit them
 */
public record ChainSpec(String name, String from, String to, List<String> through) {
    public ChainSpec {
        through = List.copyOf(through);
    }
}
