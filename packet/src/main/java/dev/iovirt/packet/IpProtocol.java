package dev.iovirt.packet;

/** IP protocol numbers (IANA "Assigned Internet Protocol Numbers") and IPv6 extension headers. */
public final class IpProtocol {
    public static final int HOPOPT = 0;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int IPV6_ROUTE = 43;
    public static final int IPV6_FRAG = 44;
    public static final int ICMPV6 = 58;
    public static final int IPV6_NONXT = 59;
    public static final int IPV6_OPTS = 60;

    private IpProtocol() {
    }

    public static String name(int proto) {
        return switch (proto) {
            case ICMP -> "ICMP";
            case TCP -> "TCP";
            case UDP -> "UDP";
            case ICMPV6 -> "ICMPv6";
            default -> "proto-" + proto;
        };
    }
}
