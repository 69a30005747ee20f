package dev.iovirt.openflow;

/**
 * OFPT_FEATURES_REPLY, {@code struct ofp_switch_features} (OF 1.3.5 §7.3.1).
 *
 * @param xid the request's xid
 * @param datapathId the switch's datapath id
 * @param nBuffers how many packets the switch can buffer at once
 * @param nTables how many tables the pipeline has
 * @param auxiliaryId 0 for the main connection, otherwise the auxiliary connection's id
 * @param capabilities {@code CAP_*} bits
 */
public record OfpFeaturesReply(int xid, DatapathId datapathId, int nBuffers, int nTables, int auxiliaryId,
                               int capabilities) implements OfpMessage {
    // OF 1.3.5 §7.3.1, enum ofp_capabilities.
    /** OFPC_FLOW_STATS. */
    public static final int CAP_FLOW_STATS = 1;
    /** OFPC_TABLE_STATS. */
    public static final int CAP_TABLE_STATS = 1 << 1;
    /** OFPC_PORT_STATS. */
    public static final int CAP_PORT_STATS = 1 << 2;
    /** OFPC_GROUP_STATS. */
    public static final int CAP_GROUP_STATS = 1 << 3;
    /** OFPC_IP_REASM: can reassemble IP fragments. */
    public static final int CAP_IP_REASM = 1 << 5;
    /** OFPC_QUEUE_STATS. */
    public static final int CAP_QUEUE_STATS = 1 << 6;
    /** OFPC_PORT_BLOCKED: the switch blocks looping ports. */
    public static final int CAP_PORT_BLOCKED = 1 << 8;

    @Override
    public OfpType type() {
        return OfpType.FEATURES_REPLY;
    }
}
