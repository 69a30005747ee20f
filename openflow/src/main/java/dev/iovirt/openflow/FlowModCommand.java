package dev.iovirt.openflow;

/** The {@code command} of a FLOW_MOD (OF 1.3.5 §7.3.4.1, {@code enum ofp_flow_mod_command}). */
public enum FlowModCommand {
    /** OFPFC_ADD: new flow. */
    ADD(0),
    /** OFPFC_MODIFY: modify all matching flows. */
    MODIFY(1),
    /** OFPFC_MODIFY_STRICT: modify the entry strictly matching wildcards and priority. */
    MODIFY_STRICT(2),
    /** OFPFC_DELETE: delete all matching flows. */
    DELETE(3),
    /** OFPFC_DELETE_STRICT: delete the entry strictly matching wildcards and priority. */
    DELETE_STRICT(4);

    private final int code;

    FlowModCommand(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant with wire value {@code code}; an unknown value is FLOW_MOD_FAILED_BAD_COMMAND. */
    public static FlowModCommand of(int code) throws OfpException {
        for (FlowModCommand v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new OfpException(ErrorCode.FLOW_MOD_FAILED_BAD_COMMAND, "unknown FlowModCommand " + code);
    }
}
