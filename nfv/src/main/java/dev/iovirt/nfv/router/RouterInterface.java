package dev.iovirt.nfv.router;

import java.util.Objects;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * One of the router's interfaces.
 *
 * @param port         the appliance port (vNIC index) it sits on
 * @param mac          its MAC address
 * @param ip           its IPv4 address
 * @param prefixLength its subnet's prefix length, which makes the connected route
 */
public record RouterInterface(int port, MacAddress mac, Ipv4Address ip, int prefixLength) {
    public RouterInterface {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(ip, "ip");
        if (port < 0) {
            throw new IllegalArgumentException("negative port");
        }
        if (prefixLength < 1 || prefixLength > 30) {
            throw new IllegalArgumentException("interface prefix length must be in [1, 30]: " + prefixLength);
        }
    }
}
