package dev.iovirt.openflow;

/**
 * A group identifier, {@code uint32_t group_id} (OF 1.3.5 §7.3.4.2, {@code enum ofp_group}).
 *
 * @param value the unsigned 32-bit wire value
 */
public record GroupId(int value) {
    /** OFPG_MAX: the last usable group number. */
    public static final GroupId MAX = new GroupId(0xFFFF_FF00);
    /** OFPG_ALL: all groups, for group delete and group stats requests. */
    public static final GroupId ALL = new GroupId(0xFFFF_FFFC);
    /** OFPG_ANY: wildcard group in flow stats requests and flow deletes. */
    public static final GroupId ANY = new GroupId(0xFFFF_FFFF);

    public static GroupId of(int value) {
        return value == -1 ? ANY : new GroupId(value);
    }

    @Override
    public String toString() {
        return switch (value) {
            case 0xFFFF_FFFC -> "ALL";
            case 0xFFFF_FFFF -> "ANY";
            default -> Integer.toUnsignedString(value);
        };
    }
}
