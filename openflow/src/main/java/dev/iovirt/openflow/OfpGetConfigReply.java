package dev.iovirt.openflow;

/**
 * OFPT_GET_CONFIG_REPLY, {@code struct ofp_switch_config} (OF 1.3.5 §7.3.2).
 *
 * @param xid the transaction id
 * @param flags {@code FRAG_*} handling of IP fragments
 * @param missSendLen how many bytes of a table-miss packet go to the controller
 */
public record OfpGetConfigReply(int xid, int flags, int missSendLen) implements OfpMessage {
    // OF 1.3.5 §7.3.2, enum ofp_config_flags.
    /** OFPC_FRAG_NORMAL: no special handling for fragments. */
    public static final int FRAG_NORMAL = 0;
    /** OFPC_FRAG_DROP: drop fragments. */
    public static final int FRAG_DROP = 1;
    /** OFPC_FRAG_REASM: reassemble (only if OFPC_IP_REASM is set). */
    public static final int FRAG_REASM = 2;
    /** OFPC_FRAG_MASK. */
    public static final int FRAG_MASK = 3;
    /** OFPCML_NO_BUFFER as miss_send_len: send whole packets (OF 1.3.5 §7.2.5). */
    public static final int MISS_SEND_NO_BUFFER = 0xFFFF;

    @Override
    public OfpType type() {
        return OfpType.GET_CONFIG_REPLY;
    }
}
