package dev.iovirt.openflow;

/**
 * OFPT_PORT_STATUS (OF 1.3.5 §7.4.3): a port was added, removed or changed.
 *
 * @param xid the transaction id
 * @param reason {@code REASON_*}
 * @param port the port's description after the change
 */
public record OfpPortStatus(int xid, int reason, Port port) implements OfpMessage {
    // OF 1.3.5 §7.4.3, enum ofp_port_reason.
    /** OFPPR_ADD. */
    public static final int REASON_ADD = 0;
    /** OFPPR_DELETE. */
    public static final int REASON_DELETE = 1;
    /** OFPPR_MODIFY. */
    public static final int REASON_MODIFY = 2;

    @Override
    public OfpType type() {
        return OfpType.PORT_STATUS;
    }
}
