package dev.iovirt.openflow;

/**
 * Every error code of OpenFlow 1.3.5 §7.4.4, each with its {@link ErrorType}. The constant's name is
 * the type's name and the spec's code name joined ({@code OFPET_BAD_MATCH} + {@code OFPBMC_BAD_PREREQ}
 * = {@link #BAD_MATCH_BAD_PREREQ}); the doc line of each is the spec's description, which is also
 * what {@link #message()} returns.
 */
public enum ErrorCode {
    /** OFPHFC_INCOMPATIBLE: No compatible version. */
    HELLO_FAILED_INCOMPATIBLE(ErrorType.HELLO_FAILED, 0, "No compatible version."),
    /** OFPHFC_EPERM: Permissions error. */
    HELLO_FAILED_EPERM(ErrorType.HELLO_FAILED, 1, "Permissions error."),
    /** OFPBRC_BAD_VERSION: ofp_header.version not supported. */
    BAD_REQUEST_BAD_VERSION(ErrorType.BAD_REQUEST, 0, "ofp_header.version not supported."),
    /** OFPBRC_BAD_TYPE: ofp_header.type not supported. */
    BAD_REQUEST_BAD_TYPE(ErrorType.BAD_REQUEST, 1, "ofp_header.type not supported."),
    /** OFPBRC_BAD_MULTIPART: ofp_multipart_request.type not supported. */
    BAD_REQUEST_BAD_MULTIPART(ErrorType.BAD_REQUEST, 2, "ofp_multipart_request.type not supported."),
    /** OFPBRC_BAD_EXPERIMENTER: Experimenter id not supported. */
    BAD_REQUEST_BAD_EXPERIMENTER(ErrorType.BAD_REQUEST, 3, "Experimenter id not supported."),
    /** OFPBRC_BAD_EXP_TYPE: Experimenter type not supported. */
    BAD_REQUEST_BAD_EXP_TYPE(ErrorType.BAD_REQUEST, 4, "Experimenter type not supported."),
    /** OFPBRC_EPERM: Permissions error. */
    BAD_REQUEST_EPERM(ErrorType.BAD_REQUEST, 5, "Permissions error."),
    /** OFPBRC_BAD_LEN: Wrong request length for type. */
    BAD_REQUEST_BAD_LEN(ErrorType.BAD_REQUEST, 6, "Wrong request length for type."),
    /** OFPBRC_BUFFER_EMPTY: Specified buffer has already been used. */
    BAD_REQUEST_BUFFER_EMPTY(ErrorType.BAD_REQUEST, 7, "Specified buffer has already been used."),
    /** OFPBRC_BUFFER_UNKNOWN: Specified buffer does not exist. */
    BAD_REQUEST_BUFFER_UNKNOWN(ErrorType.BAD_REQUEST, 8, "Specified buffer does not exist."),
    /** OFPBRC_BAD_TABLE_ID: Specified table-id invalid or does not exist. */
    BAD_REQUEST_BAD_TABLE_ID(ErrorType.BAD_REQUEST, 9, "Specified table-id invalid or does not exist."),
    /** OFPBRC_IS_SLAVE: Denied because controller is slave. */
    BAD_REQUEST_IS_SLAVE(ErrorType.BAD_REQUEST, 10, "Denied because controller is slave."),
    /** OFPBRC_BAD_PORT: Invalid port. */
    BAD_REQUEST_BAD_PORT(ErrorType.BAD_REQUEST, 11, "Invalid port."),
    /** OFPBRC_BAD_PACKET: Invalid packet in packet-out. */
    BAD_REQUEST_BAD_PACKET(ErrorType.BAD_REQUEST, 12, "Invalid packet in packet-out."),
    /** OFPBRC_MULTIPART_BUFFER_OVERFLOW: ofp_multipart_request overflowed the assigned buffer. */
    BAD_REQUEST_MULTIPART_BUFFER_OVERFLOW(ErrorType.BAD_REQUEST, 13, "ofp_multipart_request overflowed the assigned buffer."),
    /** OFPBAC_BAD_TYPE: Unknown or unsupported action type. */
    BAD_ACTION_BAD_TYPE(ErrorType.BAD_ACTION, 0, "Unknown or unsupported action type."),
    /** OFPBAC_BAD_LEN: Length problem in actions. */
    BAD_ACTION_BAD_LEN(ErrorType.BAD_ACTION, 1, "Length problem in actions."),
    /** OFPBAC_BAD_EXPERIMENTER: Unknown experimenter id specified. */
    BAD_ACTION_BAD_EXPERIMENTER(ErrorType.BAD_ACTION, 2, "Unknown experimenter id specified."),
    /** OFPBAC_BAD_EXP_TYPE: Unknown action for experimenter id. */
    BAD_ACTION_BAD_EXP_TYPE(ErrorType.BAD_ACTION, 3, "Unknown action for experimenter id."),
    /** OFPBAC_BAD_OUT_PORT: Problem validating output port. */
    BAD_ACTION_BAD_OUT_PORT(ErrorType.BAD_ACTION, 4, "Problem validating output port."),
    /** OFPBAC_BAD_ARGUMENT: Bad action argument. */
    BAD_ACTION_BAD_ARGUMENT(ErrorType.BAD_ACTION, 5, "Bad action argument."),
    /** OFPBAC_EPERM: Permissions error. */
    BAD_ACTION_EPERM(ErrorType.BAD_ACTION, 6, "Permissions error."),
    /** OFPBAC_TOO_MANY: Can't handle this many actions. */
    BAD_ACTION_TOO_MANY(ErrorType.BAD_ACTION, 7, "Can't handle this many actions."),
    /** OFPBAC_BAD_QUEUE: Problem validating output queue. */
    BAD_ACTION_BAD_QUEUE(ErrorType.BAD_ACTION, 8, "Problem validating output queue."),
    /** OFPBAC_BAD_OUT_GROUP: Invalid group id in forward action. */
    BAD_ACTION_BAD_OUT_GROUP(ErrorType.BAD_ACTION, 9, "Invalid group id in forward action."),
    /** OFPBAC_MATCH_INCONSISTENT: Action can't apply for this match, or Set-Field missing prerequisite. */
    BAD_ACTION_MATCH_INCONSISTENT(ErrorType.BAD_ACTION, 10, "Action can't apply for this match, or Set-Field missing prerequisite."),
    /** OFPBAC_UNSUPPORTED_ORDER: Action order is unsupported for the action list in an Apply-Actions instruction. */
    BAD_ACTION_UNSUPPORTED_ORDER(ErrorType.BAD_ACTION, 11, "Action order is unsupported for the action list in an Apply-Actions instruction."),
    /** OFPBAC_BAD_TAG: Actions uses an unsupported tag/encap. */
    BAD_ACTION_BAD_TAG(ErrorType.BAD_ACTION, 12, "Actions uses an unsupported tag/encap."),
    /** OFPBAC_BAD_SET_TYPE: Unsupported type in SET_FIELD action. */
    BAD_ACTION_BAD_SET_TYPE(ErrorType.BAD_ACTION, 13, "Unsupported type in SET_FIELD action."),
    /** OFPBAC_BAD_SET_LEN: Length problem in SET_FIELD action. */
    BAD_ACTION_BAD_SET_LEN(ErrorType.BAD_ACTION, 14, "Length problem in SET_FIELD action."),
    /** OFPBAC_BAD_SET_ARGUMENT: Bad argument in SET_FIELD action. */
    BAD_ACTION_BAD_SET_ARGUMENT(ErrorType.BAD_ACTION, 15, "Bad argument in SET_FIELD action."),
    /** OFPBIC_UNKNOWN_INST: Unknown instruction. */
    BAD_INSTRUCTION_UNKNOWN_INST(ErrorType.BAD_INSTRUCTION, 0, "Unknown instruction."),
    /** OFPBIC_UNSUP_INST: Switch or table does not support the instruction. */
    BAD_INSTRUCTION_UNSUP_INST(ErrorType.BAD_INSTRUCTION, 1, "Switch or table does not support the instruction."),
    /** OFPBIC_BAD_TABLE_ID: Invalid Table-ID specified. */
    BAD_INSTRUCTION_BAD_TABLE_ID(ErrorType.BAD_INSTRUCTION, 2, "Invalid Table-ID specified."),
    /** OFPBIC_UNSUP_METADATA: Metadata value unsupported by datapath. */
    BAD_INSTRUCTION_UNSUP_METADATA(ErrorType.BAD_INSTRUCTION, 3, "Metadata value unsupported by datapath."),
    /** OFPBIC_UNSUP_METADATA_MASK: Metadata mask value unsupported by datapath. */
    BAD_INSTRUCTION_UNSUP_METADATA_MASK(ErrorType.BAD_INSTRUCTION, 4, "Metadata mask value unsupported by datapath."),
    /** OFPBIC_BAD_EXPERIMENTER: Unknown experimenter id specified. */
    BAD_INSTRUCTION_BAD_EXPERIMENTER(ErrorType.BAD_INSTRUCTION, 5, "Unknown experimenter id specified."),
    /** OFPBIC_BAD_EXP_TYPE: Unknown instruction for experimenter id. */
    BAD_INSTRUCTION_BAD_EXP_TYPE(ErrorType.BAD_INSTRUCTION, 6, "Unknown instruction for experimenter id."),
    /** OFPBIC_BAD_LEN: Length problem in instructions. */
    BAD_INSTRUCTION_BAD_LEN(ErrorType.BAD_INSTRUCTION, 7, "Length problem in instructions."),
    /** OFPBIC_EPERM: Permissions error. */
    BAD_INSTRUCTION_EPERM(ErrorType.BAD_INSTRUCTION, 8, "Permissions error."),
    /** OFPBMC_BAD_TYPE: Unsupported match type specified by the match. */
    BAD_MATCH_BAD_TYPE(ErrorType.BAD_MATCH, 0, "Unsupported match type specified by the match."),
    /** OFPBMC_BAD_LEN: Length problem in match. */
    BAD_MATCH_BAD_LEN(ErrorType.BAD_MATCH, 1, "Length problem in match."),
    /** OFPBMC_BAD_TAG: Match uses an unsupported tag/encap. */
    BAD_MATCH_BAD_TAG(ErrorType.BAD_MATCH, 2, "Match uses an unsupported tag/encap."),
    /** OFPBMC_BAD_DL_ADDR_MASK: Unsupported datalink addr mask. */
    BAD_MATCH_BAD_DL_ADDR_MASK(ErrorType.BAD_MATCH, 3, "Unsupported datalink addr mask."),
    /** OFPBMC_BAD_NW_ADDR_MASK: Unsupported network addr mask. */
    BAD_MATCH_BAD_NW_ADDR_MASK(ErrorType.BAD_MATCH, 4, "Unsupported network addr mask."),
    /** OFPBMC_BAD_WILDCARDS: Unsupported combination of fields masked or omitted in the match. */
    BAD_MATCH_BAD_WILDCARDS(ErrorType.BAD_MATCH, 5, "Unsupported combination of fields masked or omitted in the match."),
    /** OFPBMC_BAD_FIELD: Unsupported field type in the match. */
    BAD_MATCH_BAD_FIELD(ErrorType.BAD_MATCH, 6, "Unsupported field type in the match."),
    /** OFPBMC_BAD_VALUE: Unsupported value in a match field. */
    BAD_MATCH_BAD_VALUE(ErrorType.BAD_MATCH, 7, "Unsupported value in a match field."),
    /** OFPBMC_BAD_MASK: Unsupported mask specified in the match, field is not dl-address or nw-address. */
    BAD_MATCH_BAD_MASK(ErrorType.BAD_MATCH, 8, "Unsupported mask specified in the match, field is not dl-address or nw-address."),
    /** OFPBMC_BAD_PREREQ: A prerequisite was not met. */
    BAD_MATCH_BAD_PREREQ(ErrorType.BAD_MATCH, 9, "A prerequisite was not met."),
    /** OFPBMC_DUP_FIELD: A field type was duplicated. */
    BAD_MATCH_DUP_FIELD(ErrorType.BAD_MATCH, 10, "A field type was duplicated."),
    /** OFPBMC_EPERM: Permissions error. */
    BAD_MATCH_EPERM(ErrorType.BAD_MATCH, 11, "Permissions error."),
    /** OFPFMFC_UNKNOWN: Unspecified error. */
    FLOW_MOD_FAILED_UNKNOWN(ErrorType.FLOW_MOD_FAILED, 0, "Unspecified error."),
    /** OFPFMFC_TABLE_FULL: Flow not added because table was full. */
    FLOW_MOD_FAILED_TABLE_FULL(ErrorType.FLOW_MOD_FAILED, 1, "Flow not added because table was full."),
    /** OFPFMFC_BAD_TABLE_ID: Table does not exist. */
    FLOW_MOD_FAILED_BAD_TABLE_ID(ErrorType.FLOW_MOD_FAILED, 2, "Table does not exist."),
    /** OFPFMFC_OVERLAP: Attempted to add overlapping flow with CHECK_OVERLAP flag set. */
    FLOW_MOD_FAILED_OVERLAP(ErrorType.FLOW_MOD_FAILED, 3, "Attempted to add overlapping flow with CHECK_OVERLAP flag set."),
    /** OFPFMFC_EPERM: Permissions error. */
    FLOW_MOD_FAILED_EPERM(ErrorType.FLOW_MOD_FAILED, 4, "Permissions error."),
    /** OFPFMFC_BAD_TIMEOUT: Flow not added because of unsupported idle/hard timeout. */
    FLOW_MOD_FAILED_BAD_TIMEOUT(ErrorType.FLOW_MOD_FAILED, 5, "Flow not added because of unsupported idle/hard timeout."),
    /** OFPFMFC_BAD_COMMAND: Unsupported or unknown command. */
    FLOW_MOD_FAILED_BAD_COMMAND(ErrorType.FLOW_MOD_FAILED, 6, "Unsupported or unknown command."),
    /** OFPFMFC_BAD_FLAGS: Unsupported or unknown flags. */
    FLOW_MOD_FAILED_BAD_FLAGS(ErrorType.FLOW_MOD_FAILED, 7, "Unsupported or unknown flags."),
    /** OFPGMFC_GROUP_EXISTS: Group not added because a group ADD attempted to replace an already-present group. */
    GROUP_MOD_FAILED_GROUP_EXISTS(ErrorType.GROUP_MOD_FAILED, 0, "Group not added because a group ADD attempted to replace an already-present group."),
    /** OFPGMFC_INVALID_GROUP: Group not added because Group specified is invalid. */
    GROUP_MOD_FAILED_INVALID_GROUP(ErrorType.GROUP_MOD_FAILED, 1, "Group not added because Group specified is invalid."),
    /** OFPGMFC_WEIGHT_UNSUPPORTED: Switch does not support unequal load sharing with select groups. */
    GROUP_MOD_FAILED_WEIGHT_UNSUPPORTED(ErrorType.GROUP_MOD_FAILED, 2, "Switch does not support unequal load sharing with select groups."),
    /** OFPGMFC_OUT_OF_GROUPS: The group table is full. */
    GROUP_MOD_FAILED_OUT_OF_GROUPS(ErrorType.GROUP_MOD_FAILED, 3, "The group table is full."),
    /** OFPGMFC_OUT_OF_BUCKETS: The maximum number of action buckets for a group has been exceeded. */
    GROUP_MOD_FAILED_OUT_OF_BUCKETS(ErrorType.GROUP_MOD_FAILED, 4, "The maximum number of action buckets for a group has been exceeded."),
    /** OFPGMFC_CHAINING_UNSUPPORTED: Switch does not support groups that forward to groups. */
    GROUP_MOD_FAILED_CHAINING_UNSUPPORTED(ErrorType.GROUP_MOD_FAILED, 5, "Switch does not support groups that forward to groups."),
    /** OFPGMFC_WATCH_UNSUPPORTED: This group cannot watch the watch_port or watch_group specified. */
    GROUP_MOD_FAILED_WATCH_UNSUPPORTED(ErrorType.GROUP_MOD_FAILED, 6, "This group cannot watch the watch_port or watch_group specified."),
    /** OFPGMFC_LOOP: Group entry would cause a loop. */
    GROUP_MOD_FAILED_LOOP(ErrorType.GROUP_MOD_FAILED, 7, "Group entry would cause a loop."),
    /** OFPGMFC_UNKNOWN_GROUP: Group not modified because a group MODIFY attempted to modify a non-existent group. */
    GROUP_MOD_FAILED_UNKNOWN_GROUP(ErrorType.GROUP_MOD_FAILED, 8, "Group not modified because a group MODIFY attempted to modify a non-existent group."),
    /** OFPGMFC_CHAINED_GROUP: Group not deleted because another group is forwarding to it. */
    GROUP_MOD_FAILED_CHAINED_GROUP(ErrorType.GROUP_MOD_FAILED, 9, "Group not deleted because another group is forwarding to it."),
    /** OFPGMFC_BAD_TYPE: Unsupported or unknown group type. */
    GROUP_MOD_FAILED_BAD_TYPE(ErrorType.GROUP_MOD_FAILED, 10, "Unsupported or unknown group type."),
    /** OFPGMFC_BAD_COMMAND: Unsupported or unknown command. */
    GROUP_MOD_FAILED_BAD_COMMAND(ErrorType.GROUP_MOD_FAILED, 11, "Unsupported or unknown command."),
    /** OFPGMFC_BAD_BUCKET: Error in bucket. */
    GROUP_MOD_FAILED_BAD_BUCKET(ErrorType.GROUP_MOD_FAILED, 12, "Error in bucket."),
    /** OFPGMFC_BAD_WATCH: Error in watch port/group. */
    GROUP_MOD_FAILED_BAD_WATCH(ErrorType.GROUP_MOD_FAILED, 13, "Error in watch port/group."),
    /** OFPGMFC_EPERM: Permissions error. */
    GROUP_MOD_FAILED_EPERM(ErrorType.GROUP_MOD_FAILED, 14, "Permissions error."),
    /** OFPPMFC_BAD_PORT: Specified port number does not exist. */
    PORT_MOD_FAILED_BAD_PORT(ErrorType.PORT_MOD_FAILED, 0, "Specified port number does not exist."),
    /** OFPPMFC_BAD_HW_ADDR: Specified hardware address does not match the port number. */
    PORT_MOD_FAILED_BAD_HW_ADDR(ErrorType.PORT_MOD_FAILED, 1, "Specified hardware address does not match the port number."),
    /** OFPPMFC_BAD_CONFIG: Specified config is invalid. */
    PORT_MOD_FAILED_BAD_CONFIG(ErrorType.PORT_MOD_FAILED, 2, "Specified config is invalid."),
    /** OFPPMFC_BAD_ADVERTISE: Specified advertise is invalid. */
    PORT_MOD_FAILED_BAD_ADVERTISE(ErrorType.PORT_MOD_FAILED, 3, "Specified advertise is invalid."),
    /** OFPPMFC_EPERM: Permissions error. */
    PORT_MOD_FAILED_EPERM(ErrorType.PORT_MOD_FAILED, 4, "Permissions error."),
    /** OFPTMFC_BAD_TABLE: Specified table does not exist. */
    TABLE_MOD_FAILED_BAD_TABLE(ErrorType.TABLE_MOD_FAILED, 0, "Specified table does not exist."),
    /** OFPTMFC_BAD_CONFIG: Specified config is invalid. */
    TABLE_MOD_FAILED_BAD_CONFIG(ErrorType.TABLE_MOD_FAILED, 1, "Specified config is invalid."),
    /** OFPTMFC_EPERM: Permissions error. */
    TABLE_MOD_FAILED_EPERM(ErrorType.TABLE_MOD_FAILED, 2, "Permissions error."),
    /** OFPQOFC_BAD_PORT: Invalid port (or port does not exist). */
    QUEUE_OP_FAILED_BAD_PORT(ErrorType.QUEUE_OP_FAILED, 0, "Invalid port (or port does not exist)."),
    /** OFPQOFC_BAD_QUEUE: Queue does not exist. */
    QUEUE_OP_FAILED_BAD_QUEUE(ErrorType.QUEUE_OP_FAILED, 1, "Queue does not exist."),
    /** OFPQOFC_EPERM: Permissions error. */
    QUEUE_OP_FAILED_EPERM(ErrorType.QUEUE_OP_FAILED, 2, "Permissions error."),
    /** OFPSCFC_BAD_FLAGS: Specified flags is invalid. */
    SWITCH_CONFIG_FAILED_BAD_FLAGS(ErrorType.SWITCH_CONFIG_FAILED, 0, "Specified flags is invalid."),
    /** OFPSCFC_BAD_LEN: Specified miss send len is invalid. */
    SWITCH_CONFIG_FAILED_BAD_LEN(ErrorType.SWITCH_CONFIG_FAILED, 1, "Specified miss send len is invalid."),
    /** OFPSCFC_EPERM: Permissions error. */
    SWITCH_CONFIG_FAILED_EPERM(ErrorType.SWITCH_CONFIG_FAILED, 2, "Permissions error."),
    /** OFPRRFC_STALE: Stale Message: old generation_id. */
    ROLE_REQUEST_FAILED_STALE(ErrorType.ROLE_REQUEST_FAILED, 0, "Stale Message: old generation_id."),
    /** OFPRRFC_UNSUP: Controller role change unsupported. */
    ROLE_REQUEST_FAILED_UNSUP(ErrorType.ROLE_REQUEST_FAILED, 1, "Controller role change unsupported."),
    /** OFPRRFC_BAD_ROLE: Invalid role. */
    ROLE_REQUEST_FAILED_BAD_ROLE(ErrorType.ROLE_REQUEST_FAILED, 2, "Invalid role."),
    /** OFPMMFC_UNKNOWN: Unspecified error. */
    METER_MOD_FAILED_UNKNOWN(ErrorType.METER_MOD_FAILED, 0, "Unspecified error."),
    /** OFPMMFC_METER_EXISTS: Meter not added because a Meter ADD attempted to replace an existing Meter. */
    METER_MOD_FAILED_METER_EXISTS(ErrorType.METER_MOD_FAILED, 1, "Meter not added because a Meter ADD attempted to replace an existing Meter."),
    /** OFPMMFC_INVALID_METER: Meter not added because Meter specified is invalid, or invalid meter in meter action. */
    METER_MOD_FAILED_INVALID_METER(ErrorType.METER_MOD_FAILED, 2, "Meter not added because Meter specified is invalid, or invalid meter in meter action."),
    /** OFPMMFC_UNKNOWN_METER: Meter not modified because a Meter MODIFY attempted to modify a non-existent Meter, or bad meter in meter action. */
    METER_MOD_FAILED_UNKNOWN_METER(ErrorType.METER_MOD_FAILED, 3, "Meter not modified because a Meter MODIFY attempted to modify a non-existent Meter, or bad meter in meter action."),
    /** OFPMMFC_BAD_COMMAND: Unsupported or unknown command. */
    METER_MOD_FAILED_BAD_COMMAND(ErrorType.METER_MOD_FAILED, 4, "Unsupported or unknown command."),
    /** OFPMMFC_BAD_FLAGS: Flag configuration unsupported. */
    METER_MOD_FAILED_BAD_FLAGS(ErrorType.METER_MOD_FAILED, 5, "Flag configuration unsupported."),
    /** OFPMMFC_BAD_RATE: Rate unsupported. */
    METER_MOD_FAILED_BAD_RATE(ErrorType.METER_MOD_FAILED, 6, "Rate unsupported."),
    /** OFPMMFC_BAD_BURST: Burst size unsupported. */
    METER_MOD_FAILED_BAD_BURST(ErrorType.METER_MOD_FAILED, 7, "Burst size unsupported."),
    /** OFPMMFC_BAD_BAND: Band unsupported. */
    METER_MOD_FAILED_BAD_BAND(ErrorType.METER_MOD_FAILED, 8, "Band unsupported."),
    /** OFPMMFC_BAD_BAND_VALUE: Band value unsupported. */
    METER_MOD_FAILED_BAD_BAND_VALUE(ErrorType.METER_MOD_FAILED, 9, "Band value unsupported."),
    /** OFPMMFC_OUT_OF_METERS: No more meters available. */
    METER_MOD_FAILED_OUT_OF_METERS(ErrorType.METER_MOD_FAILED, 10, "No more meters available."),
    /** OFPMMFC_OUT_OF_BANDS: The maximum number of properties for a meter has been exceeded. */
    METER_MOD_FAILED_OUT_OF_BANDS(ErrorType.METER_MOD_FAILED, 11, "The maximum number of properties for a meter has been exceeded."),
    /** OFPTFFC_BAD_TABLE: Specified table does not exist. */
    TABLE_FEATURES_FAILED_BAD_TABLE(ErrorType.TABLE_FEATURES_FAILED, 0, "Specified table does not exist."),
    /** OFPTFFC_BAD_METADATA: Invalid metadata mask. */
    TABLE_FEATURES_FAILED_BAD_METADATA(ErrorType.TABLE_FEATURES_FAILED, 1, "Invalid metadata mask."),
    /** OFPTFFC_BAD_TYPE: Unknown property type. */
    TABLE_FEATURES_FAILED_BAD_TYPE(ErrorType.TABLE_FEATURES_FAILED, 2, "Unknown property type."),
    /** OFPTFFC_BAD_LEN: Length problem in properties. */
    TABLE_FEATURES_FAILED_BAD_LEN(ErrorType.TABLE_FEATURES_FAILED, 3, "Length problem in properties."),
    /** OFPTFFC_BAD_ARGUMENT: Unsupported property value. */
    TABLE_FEATURES_FAILED_BAD_ARGUMENT(ErrorType.TABLE_FEATURES_FAILED, 4, "Unsupported property value."),
    /** OFPTFFC_EPERM: Permissions error. */
    TABLE_FEATURES_FAILED_EPERM(ErrorType.TABLE_FEATURES_FAILED, 5, "Permissions error.");

    private final ErrorType type;
    private final int code;
    private final String message;

    ErrorCode(ErrorType type, int code, String message) {
        this.type = type;
        this.code = code;
        this.message = message;
    }

    /** The error type this code belongs to. */
    public ErrorType type() {
        return type;
    }

    /** The wire value of {@code ofp_error_msg.code}. */
    public int code() {
        return code;
    }

    /** The spec's description of the error. */
    public String message() {
        return message;
    }

    /** The code for wire values {@code type} and {@code code}, or null if OpenFlow 1.3 defines none. */
    public static ErrorCode of(int type, int code) {
        for (ErrorCode c : values()) {
            if (c.type.code() == type && c.code == code) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "OFPET_" + type.name() + "/" + name().substring(type.name().length() + 1);
    }
}
