package dev.iovirt.openflow;

/**
 * OFPT_GET_ASYNC_REPLY and OFPT_SET_ASYNC, {@code struct ofp_async_config} (OF 1.3.5 §7.3.10): which
 * asynchronous messages a controller connection wants, by reason bit, for the master/equal role
 * (index 0) and the slave role (index 1).
 *
 * @param xid the transaction id
 * @param set true for OFPT_SET_ASYNC, false for OFPT_GET_ASYNC_REPLY
 * @param packetInMask0 PACKET_IN reasons wanted as master or equal (bit {@code 1 << reason})
 * @param packetInMask1 PACKET_IN reasons wanted as slave
 * @param portStatusMask0 PORT_STATUS reasons wanted as master or equal
 * @param portStatusMask1 PORT_STATUS reasons wanted as slave
 * @param flowRemovedMask0 FLOW_REMOVED reasons wanted as master or equal
 * @param flowRemovedMask1 FLOW_REMOVED reasons wanted as slave
 */
public record OfpAsyncConfig(int xid, boolean set, int packetInMask0, int packetInMask1, int portStatusMask0,
                             int portStatusMask1, int flowRemovedMask0, int flowRemovedMask1) implements OfpMessage {
    /**
     * The configuration a switch starts a connection with, as Open vSwitch 3.1 reports it: a master
     * or equal controller gets PACKET_IN for no_match and action (not invalid_ttl), every
     * PORT_STATUS and every FLOW_REMOVED; a slave gets only PORT_STATUS.
     */
    public static OfpAsyncConfig defaults(int xid, boolean set) {
        return new OfpAsyncConfig(xid, set, 0b011, 0, 0b111, 0b111, 0b1111, 0);
    }

    @Override
    public OfpType type() {
        return set ? OfpType.SET_ASYNC : OfpType.GET_ASYNC_REPLY;
    }
}
