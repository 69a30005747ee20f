package dev.iovirt.nfv.lb;

import java.util.Objects;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * One real server behind the virtual IP.
 *
 * @param name   the backend's stable name; its Maglev permutation is derived from it, so renaming a
 *               backend moves its table entries
 * @param ip     the address the load balancer rewrites the destination to
 * @param port   the backend's L4 port, or 0 for the virtual service's port
 * @param mac    the backend's MAC if known; null to learn it by ARP from the load balancer's address
 * @param weight relative share of the Maglev table (§3.4); 1 for all backends gives an even split
 */
public record Backend(String name, Ipv4Address ip, int port, MacAddress mac, int weight) {
    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("backend " + name + ": port out of range: " + port);
        }
        if (weight < 0) {
            throw new IllegalArgumentException("backend " + name + ": negative weight");
        }
    }

    /** An unweighted backend on the service's port whose MAC is learned by ARP. */
    public static Backend of(String name, Ipv4Address ip) {
        return new Backend(name, ip, 0, null, 1);
    }
}
