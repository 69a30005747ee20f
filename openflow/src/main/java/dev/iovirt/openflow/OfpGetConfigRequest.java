package dev.iovirt.openflow;

/**
 * OFPT_GET_CONFIG_REQUEST (OF 1.3.5 §7.3.2): asks the switch for its configuration.
 *
 * @param xid the transaction id
 */
public record OfpGetConfigRequest(int xid) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.GET_CONFIG_REQUEST;
    }
}
