package dev.iovirt.openflow;

/** The {@code command} of a GROUP_MOD (OF 1.3.5 §7.3.4.2, {@code enum ofp_group_mod_command}). */
public enum GroupModCommand {
    /** OFPGC_ADD: new group. */
    ADD(0),
    /** OFPGC_MODIFY: modify all matching groups. */
    MODIFY(1),
    /** OFPGC_DELETE: delete all matching groups. */
    DELETE(2);

    private final int code;

    GroupModCommand(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant with wire value {@code code}; an unknown value is GROUP_MOD_FAILED_BAD_COMMAND. */
    public static GroupModCommand of(int code) throws OfpException {
        for (GroupModCommand v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new OfpException(ErrorCode.GROUP_MOD_FAILED_BAD_COMMAND, "unknown GroupModCommand " + code);
    }
}
