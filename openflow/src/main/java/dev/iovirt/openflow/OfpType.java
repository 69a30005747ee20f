package dev.iovirt.openflow;

/** The message types of {@code ofp_header.type} (OF 1.3.5 §7.1, {@code enum ofp_type}). */
public enum OfpType {
    HELLO(0),
    ERROR(1),
    ECHO_REQUEST(2),
    ECHO_REPLY(3),
    EXPERIMENTER(4),
    FEATURES_REQUEST(5),
    FEATURES_REPLY(6),
    GET_CONFIG_REQUEST(7),
    GET_CONFIG_REPLY(8),
    SET_CONFIG(9),
    PACKET_IN(10),
    FLOW_REMOVED(11),
    PORT_STATUS(12),
    PACKET_OUT(13),
    FLOW_MOD(14),
    GROUP_MOD(15),
    PORT_MOD(16),
    TABLE_MOD(17),
    MULTIPART_REQUEST(18),
    MULTIPART_REPLY(19),
    BARRIER_REQUEST(20),
    BARRIER_REPLY(21),
    QUEUE_GET_CONFIG_REQUEST(22),
    QUEUE_GET_CONFIG_REPLY(23),
    ROLE_REQUEST(24),
    ROLE_REPLY(25),
    GET_ASYNC_REQUEST(26),
    GET_ASYNC_REPLY(27),
    SET_ASYNC(28),
    METER_MOD(29);

    private static final OfpType[] BY_CODE = values();

    private final int code;

    OfpType(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The type with wire value {@code code}, or null if OpenFlow 1.3 defines none. */
    public static OfpType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
