package dev.iovirt.packet;

/** EtherType values the parser and builders know (IEEE Registration Authority assignments). */
public final class EtherType {
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    /** IEEE 802.1Q customer VLAN tag (C-TAG). */
    public static final int VLAN = 0x8100;
    /** IEEE 802.1ad service VLAN tag (S-TAG, the outer tag of QinQ). */
    public static final int QINQ = 0x88A8;
    public static final int IPV6 = 0x86DD;
    /** IEEE 802.1AB Link Layer Discovery Protocol. */
    public static final int LLDP = 0x88CC;
    /** Values below this are IEEE 802.3 length fields, not EtherTypes (IEEE 802.3 §3.2.6). */
    public static final int MIN_ETHERTYPE = 0x0600;

    private EtherType() {
    }

    /** A short name for display, or the hex value. */
    public static String name(int type) {
        return switch (type) {
            case IPV4 -> "IPv4";
            case ARP -> "ARP";
            case VLAN -> "802.1Q";
            case QINQ -> "802.1ad";
            case IPV6 -> "IPv6";
            case LLDP -> "LLDP";
            default -> String.format("0x%04x", type);
        };
    }
}
