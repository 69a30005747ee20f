package dev.iovirt.openflow;

/**
 * OFPT_FEATURES_REQUEST (OF 1.3.5 §7.3.1): asks the switch for its datapath id and capabilities.
 *
 * @param xid the transaction id
 */
public record OfpFeaturesRequest(int xid) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.FEATURES_REQUEST;
    }
}
