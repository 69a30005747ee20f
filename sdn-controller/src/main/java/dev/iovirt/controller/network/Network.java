package dev.iovirt.controller.network;

/**
 * An overlay network.
 *
 * @param name its name, unique
 * @param vni its VXLAN network identifier, 1..16773119 (the rest is reserved for steering), unique; the tunnel_id of its traffic between switches
 */
public record Network(String name, long vni) {
    /** The largest VNI (24 bits). */
    public static final long MAX_VNI = 0xFF_FFFFL;
    /**
     * The first VNI networks may not have: {@code FIRST_RESERVED_VNI..MAX_VNI} (4,096 values) are the
     * tunnel ids that steer service-chain traffic to appliances on other switches
     * ({@link dev.iovirt.controller.sfc.ChainRenderer#STEERING_FIRST}).
     */
    public static final long FIRST_RESERVED_VNI = 0xFF_F000L;
}
