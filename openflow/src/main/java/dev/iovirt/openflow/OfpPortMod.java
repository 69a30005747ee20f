package dev.iovirt.openflow;

import dev.iovirt.packet.MacAddress;

/**
 * OFPT_PORT_MOD (OF 1.3.5 §7.3.4.3): changes the {@code config} bits selected by {@code mask}.
 *
 * @param xid the transaction id
 * @param portNo the port
 * @param hwAddr the port's MAC address, which must match the switch's (a sanity check)
 * @param config new {@link Port} {@code CONFIG_*} bits
 * @param mask which config bits to change
 * @param advertise features to advertise, 0 to leave unchanged
 */
public record OfpPortMod(int xid, PortNo portNo, MacAddress hwAddr, int config, int mask, int advertise) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.PORT_MOD;
    }
}
