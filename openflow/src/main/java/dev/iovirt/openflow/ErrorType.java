package dev.iovirt.openflow;

/** The {@code type} of an OFPT_ERROR message (OF 1.3.5 §7.4.4, {@code enum ofp_error_type}). */
public enum ErrorType {
    /** OFPET_HELLO_FAILED: hello protocol failed. */
    HELLO_FAILED(0),
    /** OFPET_BAD_REQUEST: request was not understood. */
    BAD_REQUEST(1),
    /** OFPET_BAD_ACTION: error in action description. */
    BAD_ACTION(2),
    /** OFPET_BAD_INSTRUCTION: error in instruction list. */
    BAD_INSTRUCTION(3),
    /** OFPET_BAD_MATCH: error in match. */
    BAD_MATCH(4),
    /** OFPET_FLOW_MOD_FAILED: problem modifying flow entry. */
    FLOW_MOD_FAILED(5),
    /** OFPET_GROUP_MOD_FAILED: problem modifying group entry. */
    GROUP_MOD_FAILED(6),
    /** OFPET_PORT_MOD_FAILED: port mod request failed. */
    PORT_MOD_FAILED(7),
    /** OFPET_TABLE_MOD_FAILED: table mod request failed. */
    TABLE_MOD_FAILED(8),
    /** OFPET_QUEUE_OP_FAILED: queue operation failed. */
    QUEUE_OP_FAILED(9),
    /** OFPET_SWITCH_CONFIG_FAILED: switch config request failed. */
    SWITCH_CONFIG_FAILED(10),
    /** OFPET_ROLE_REQUEST_FAILED: controller role request failed. */
    ROLE_REQUEST_FAILED(11),
    /** OFPET_METER_MOD_FAILED: error in meter. */
    METER_MOD_FAILED(12),
    /** OFPET_TABLE_FEATURES_FAILED: setting table features failed. */
    TABLE_FEATURES_FAILED(13),
    /** OFPET_EXPERIMENTER: experimenter error messages (a different body layout). */
    EXPERIMENTER(0xFFFF);

    private final int code;

    ErrorType(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The type with wire value {@code code}, or null if OpenFlow 1.3 defines none. */
    public static ErrorType of(int code) {
        for (ErrorType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
