package dev.iovirt.vswitch.tunnel;

/** The VXLAN header (RFC 7348 §5): 8 bytes in front of the inner Ethernet frame, in a UDP payload. */
public final class Vxlan {
    /** IANA-assigned UDP destination port (RFC 7348 §5). */
    public static final int PORT = 4789;
    /** Header length: flags (8), reserved (24), VNI (24), reserved (8). */
    public static final int HEADER = 8;
    /** RFC 7348 §5: the I flag must be 1 for a valid VNI. */
    public static final int FLAG_I = 0x08;
    /** The largest VNI (24 bits). */
    public static final int MAX_VNI = 0xFF_FFFF;
    /**
     * Bytes VXLAN adds on the wire around an inner frame: outer Ethernet (14), IPv4 (20), UDP (8)
     * and VXLAN (8), RFC 7348 §5.
     */
    public static final int OVERHEAD_IPV4 = 50;

    private Vxlan() {
    }
}
