package dev.iovirt.openflow;

/**
 * OFPT_BARRIER_REPLY (OF 1.3.5 §7.3.8): every message before the barrier request is processed.
 *
 * @param xid the transaction id
 */
public record OfpBarrierReply(int xid) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.BARRIER_REPLY;
    }
}
