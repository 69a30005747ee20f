package dev.iovirt.openflow;

/** The {@code type} of a group (OF 1.3.5 §7.3.4.2, {@code enum ofp_group_type}). */
public enum GroupType {
    /** OFPGT_ALL: all (multicast/broadcast) group. */
    ALL(0),
    /** OFPGT_SELECT: select group (one bucket, chosen by the switch). */
    SELECT(1),
    /** OFPGT_INDIRECT: indirect group (exactly one bucket). */
    INDIRECT(2),
    /** OFPGT_FF: fast failover group (the first live bucket). */
    FF(3);

    private final int code;

    GroupType(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant with wire value {@code code}; an unknown value is GROUP_MOD_FAILED_BAD_TYPE. */
    public static GroupType of(int code) throws OfpException {
        for (GroupType v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_TYPE, "unknown GroupType " + code);
    }
}
