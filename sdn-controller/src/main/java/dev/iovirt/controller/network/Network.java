package dev.iovirt.controller.network;

/**
 * An overlay network.
 *
 * @param name its name, unique
 * @param vni its VXLAN network identifier, 1..16777215, unique; the tunnel_id of its traffic between switches
 */
public record Network(String name, long vni) {
    /** The largest VNI (24 bits). */
    public static final long MAX_VNI = 0xFF_FFFFL;
}
