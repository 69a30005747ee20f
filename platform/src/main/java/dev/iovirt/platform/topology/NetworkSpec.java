package dev.iovirt.platform.topology;

import dev.iovirt.packet.Vni;

/**
 * A virtual network: an overlay segment carried between hosts in VXLAN with its own VNI.
 *
 * @param name unique among networks
 * @param vni the VXLAN network identifier, unique among networks, 1..16773119 (the top 4,096 are for chain steering)
 * @param subnet the IPv4 subnet of the network's addresses; two networks may overlap (tenants)
 */
public record NetworkSpec(String name, Vni vni, Subnet subnet) {
    public NetworkSpec {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(vni, "vni");
        java.util.Objects.requireNonNull(subnet, "subnet");
    }
}
