package dev.iovirt.openflow;

/**
 * OFPT_BARRIER_REQUEST (OF 1.3.5 §7.3.8): the switch answers once every earlier message is processed.
 *
 * @param xid the transaction id
 */
public record OfpBarrierRequest(int xid) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.BARRIER_REQUEST;
    }
}
