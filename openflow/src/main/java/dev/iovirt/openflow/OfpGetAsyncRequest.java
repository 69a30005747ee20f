package dev.iovirt.openflow;

/**
 * OFPT_GET_ASYNC_REQUEST (OF 1.3.5 §7.3.10): asks which asynchronous messages this connection gets.
 *
 * @param xid the transaction id
 */
public record OfpGetAsyncRequest(int xid) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.GET_ASYNC_REQUEST;
    }
}
