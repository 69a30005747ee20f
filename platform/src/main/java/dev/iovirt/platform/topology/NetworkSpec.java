package dev.iovirt.platform.topology;

import dev.iovirt.packet.Vni;

/**
 * A virtual network: an overlay segment carried between hosts in VXLAN with its own VNI.
 *
 * @param name unique among networks
 * @param vni the VXLAN network identifier, unique among networks, 1..16777215
 * @param subnet the IPv4 subnet of the network's addresses; two networks may overlap (tenants)
 */
public record NetworkSpec(String name, Vni vni, Subnet subnet) {
    public NetworkSpec {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(vni, "vni");
        java.util.Objects.requireNonNull(subnet, "subnet");
    }
}
