package dev.iovirt.openflow;

/** The {@code command} of a METER_MOD (OF 1.3.5 §7.3.4.4, {@code enum ofp_meter_mod_command}). */
public enum MeterModCommand {
    /** OFPMC_ADD: new meter. */
    ADD(0),
    /** OFPMC_MODIFY: modify the specified meter. */
    MODIFY(1),
    /** OFPMC_DELETE: delete the specified meter. */
    DELETE(2);

    private final int code;

    MeterModCommand(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant with wire value {@code code}; an unknown value is METER_MOD_FAILED_BAD_COMMAND. */
    public static MeterModCommand of(int code) throws OfpException {
        for (MeterModCommand v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_COMMAND, "unknown MeterModCommand " + code);
    }
}
