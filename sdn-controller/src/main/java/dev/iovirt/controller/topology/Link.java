package dev.iovirt.controller.topology;

/**
 * A unidirectional switch-to-switch link. A {@link Type#DIRECT} link was found by an LLDP probe sent out of
 * {@code src} and received on {@code dst}; a cable or patch port shows up as two links, one per direction. A
 * {@link Type#TUNNEL} link is a tunnel registered in the network subsystem: {@code src} is its switch and tunnel
 * port, {@code dst} the remote switch with the port of its own tunnel back, or {@link #UNKNOWN_PORT} while the
 * remote switch has registered none.
 *
 * @param src where the probe left (the tunnel's own end)
 * @param dst where it arrived (the remote end)
 * @param type how the link is known
 */
public record Link(ConnectPoint src, ConnectPoint dst, Type type) {
    /** The remote port of a tunnel link whose remote switch has no tunnel back registered. */
    public static final dev.iovirt.openflow.PortNo UNKNOWN_PORT = dev.iovirt.openflow.PortNo.ANY;

    public enum Type {
        /** Discovered by LLDP. */
        DIRECT,
        /** A tunnel registered in the network subsystem. */
        TUNNEL
    }

    /** A direct (LLDP-discovered) link. */
    public Link(ConnectPoint src, ConnectPoint dst) {
        this(src, dst, Type.DIRECT);
    }
}
