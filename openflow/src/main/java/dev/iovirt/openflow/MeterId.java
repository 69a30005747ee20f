package dev.iovirt.openflow;

/**
 * A meter identifier, {@code uint32_t meter_id} (OF 1.3.5 §7.3.4.4, {@code enum ofp_meter}).
 *
 * @param value the unsigned 32-bit wire value
 */
public record MeterId(int value) {
    /** OFPM_MAX: the last usable meter number. */
    public static final MeterId MAX = new MeterId(0xFFFF_0000);
    /** OFPM_SLOWPATH: the meter for the slow datapath. */
    public static final MeterId SLOWPATH = new MeterId(0xFFFF_FFFD);
    /** OFPM_CONTROLLER: the meter for the controller connection. */
    public static final MeterId CONTROLLER = new MeterId(0xFFFF_FFFE);
    /** OFPM_ALL: all meters, for stats requests and deletes. */
    public static final MeterId ALL = new MeterId(0xFFFF_FFFF);

    public static MeterId of(int value) {
        return value == -1 ? ALL : new MeterId(value);
    }

    @Override
    public String toString() {
        return switch (value) {
            case 0xFFFF_FFFD -> "SLOWPATH";
            case 0xFFFF_FFFE -> "CONTROLLER";
            case 0xFFFF_FFFF -> "ALL";
            default -> Integer.toUnsignedString(value);
        };
    }
}
