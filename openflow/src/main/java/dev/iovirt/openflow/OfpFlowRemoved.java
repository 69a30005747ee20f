package dev.iovirt.openflow;

/**
 * OFPT_FLOW_REMOVED (OF 1.3.5 §7.4.2): a flow entry with OFPFF_SEND_FLOW_REM left its table.
 *
 * @param xid the transaction id
 * @param cookie the entry's cookie
 * @param priority the entry's priority
 * @param reason {@code REASON_*}
 * @param tableId the entry's table
 * @param durationSec how long the entry lived, seconds part
 * @param durationNsec how long the entry lived, nanoseconds beyond {@code durationSec}
 * @param idleTimeout the entry's idle timeout
 * @param hardTimeout the entry's hard timeout
 * @param packetCount packets the entry matched
 * @param byteCount bytes the entry matched
 * @param match the entry's match
 */
public record OfpFlowRemoved(int xid, long cookie, int priority, int reason, TableId tableId, long durationSec,
                             long durationNsec, int idleTimeout, int hardTimeout, long packetCount, long byteCount,
                             Match match) implements OfpMessage {
    // OF 1.3.5 §7.4.2, enum ofp_flow_removed_reason.
    /** OFPRR_IDLE_TIMEOUT. */
    public static final int REASON_IDLE_TIMEOUT = 0;
    /** OFPRR_HARD_TIMEOUT. */
    public static final int REASON_HARD_TIMEOUT = 1;
    /** OFPRR_DELETE: evicted by a DELETE flow mod. */
    public static final int REASON_DELETE = 2;
    /** OFPRR_GROUP_DELETE: its group was removed. */
    public static final int REASON_GROUP_DELETE = 3;

    @Override
    public OfpType type() {
        return OfpType.FLOW_REMOVED;
    }
}
