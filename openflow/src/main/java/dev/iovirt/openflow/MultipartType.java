package dev.iovirt.openflow;

/** The {@code type} of a MULTIPART request or reply (OF 1.3.5 §7.3.5, {@code enum ofp_multipart_type}). Those without a body type here are answered with OFPBRC_BAD_MULTIPART. */
public enum MultipartType {
    /** OFPMP_DESC: switch description. */
    DESC(0),
    /** OFPMP_FLOW: individual flow statistics. */
    FLOW(1),
    /** OFPMP_AGGREGATE: aggregate flow statistics. */
    AGGREGATE(2),
    /** OFPMP_TABLE: flow table statistics. */
    TABLE(3),
    /** OFPMP_PORT_STATS: port statistics. */
    PORT_STATS(4),
    /** OFPMP_QUEUE: queue statistics. */
    QUEUE(5),
    /** OFPMP_GROUP: group counter statistics. */
    GROUP(6),
    /** OFPMP_GROUP_DESC: group description. */
    GROUP_DESC(7),
    /** OFPMP_GROUP_FEATURES: group features. */
    GROUP_FEATURES(8),
    /** OFPMP_METER: meter statistics. */
    METER(9),
    /** OFPMP_METER_CONFIG: meter configuration. */
    METER_CONFIG(10),
    /** OFPMP_METER_FEATURES: meter features. */
    METER_FEATURES(11),
    /** OFPMP_TABLE_FEATURES: table features. */
    TABLE_FEATURES(12),
    /** OFPMP_PORT_DESC: port description. */
    PORT_DESC(13),
    /** OFPMP_EXPERIMENTER: experimenter extension (not carried). */
    EXPERIMENTER(65535);

    private final int code;

    MultipartType(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant with wire value {@code code}; an unknown value is BAD_REQUEST_BAD_MULTIPART. */
    public static MultipartType of(int code) throws OfpException {
        for (MultipartType v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new OfpException(ErrorCode.BAD_REQUEST_BAD_MULTIPART, "unknown MultipartType " + code);
    }
}
