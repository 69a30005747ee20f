package dev.iovirt.openflow;

/**
 * A port number, {@code uint32_t port_no} (OF 1.3.5 §7.2.1, {@code enum ofp_port_no}). Physical and
 * logical ports are 1..{@link #MAX}; the values above are reserved ports.
 *
 * @param value the unsigned 32-bit wire value
 */
public record PortNo(int value) {
    /** OFPP_MAX: the largest number of a physical or logical port. */
    public static final PortNo MAX = new PortNo(0xFFFF_FF00);
    /** OFPP_IN_PORT: send the packet out the port it came in on. */
    public static final PortNo IN_PORT = new PortNo(0xFFFF_FFF8);
    /** OFPP_TABLE: submit the packet to the first flow table (packet-out only). */
    public static final PortNo TABLE = new PortNo(0xFFFF_FFF9);
    /** OFPP_NORMAL: forward by the non-OpenFlow pipeline of the switch. */
    public static final PortNo NORMAL = new PortNo(0xFFFF_FFFA);
    /** OFPP_FLOOD: all ports except the input port and blocked ones. */
    public static final PortNo FLOOD = new PortNo(0xFFFF_FFFB);
    /** OFPP_ALL: all ports except the input port. */
    public static final PortNo ALL = new PortNo(0xFFFF_FFFC);
    /** OFPP_CONTROLLER: send to the controller. */
    public static final PortNo CONTROLLER = new PortNo(0xFFFF_FFFD);
    /** OFPP_LOCAL: the switch's local networking stack. */
    public static final PortNo LOCAL = new PortNo(0xFFFF_FFFE);
    /** OFPP_ANY: no port; a wildcard in requests and deletes. */
    public static final PortNo ANY = new PortNo(0xFFFF_FFFF);

    public static PortNo of(int value) {
        return switch (value) {
            case 0xFFFF_FFFD -> CONTROLLER;
            case 0xFFFF_FFFF -> ANY;
            default -> new PortNo(value);
        };
    }

    /** Parses a number or a reserved name as ovs-ofctl writes it (e.g. {@code 3}, {@code CONTROLLER}, {@code in_port}). */
    public static PortNo parse(String text) {
        return switch (text.toUpperCase(java.util.Locale.ROOT)) {
            case "MAX" -> MAX;
            case "IN_PORT" -> IN_PORT;
            case "TABLE" -> TABLE;
            case "NORMAL" -> NORMAL;
            case "FLOOD" -> FLOOD;
            case "ALL" -> ALL;
            case "CONTROLLER" -> CONTROLLER;
            case "LOCAL" -> LOCAL;
            case "ANY", "NONE" -> ANY;
            default -> of((int) Long.parseLong(text));
        };
    }

    /** True for the reserved ports above {@link #MAX}. */
    public boolean isReserved() {
        return Integer.compareUnsigned(value, MAX.value) > 0;
    }

    @Override
    public String toString() {
        return switch (value) {
            case 0xFFFF_FFF8 -> "IN_PORT";
            case 0xFFFF_FFF9 -> "TABLE";
            case 0xFFFF_FFFA -> "NORMAL";
            case 0xFFFF_FFFB -> "FLOOD";
            case 0xFFFF_FFFC -> "ALL";
            case 0xFFFF_FFFD -> "CONTROLLER";
            case 0xFFFF_FFFE -> "LOCAL";
            case 0xFFFF_FFFF -> "ANY";
            default -> Integer.toUnsignedString(value);
        };
    }
}
