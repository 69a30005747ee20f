package dev.iovirt.openflow;

/** The {@code role} of a ROLE_REQUEST/ROLE_REPLY (OF 1.3.5 §7.3.9, {@code enum ofp_controller_role}). */
public enum ControllerRole {
    /** OFPCR_ROLE_NOCHANGE: do not change the current role. */
    NOCHANGE(0),
    /** OFPCR_ROLE_EQUAL: default role, full access. */
    EQUAL(1),
    /** OFPCR_ROLE_MASTER: full access, at most one master. */
    MASTER(2),
    /** OFPCR_ROLE_SLAVE: read-only access. */
    SLAVE(3);

    private final int code;

    ControllerRole(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant with wire value {@code code}; an unknown value is ROLE_REQUEST_FAILED_BAD_ROLE. */
    public static ControllerRole of(int code) throws OfpException {
        for (ControllerRole v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new OfpException(ErrorCode.ROLE_REQUEST_FAILED_BAD_ROLE, "unknown ControllerRole " + code);
    }
}
