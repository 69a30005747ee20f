package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;
import java.time.Instant;

/**
 * A switch in the registry, as FEATURES_REPLY (OF 1.3.5 §7.3.1) described it.
 *
 * @param id the datapath id
 * @param address the switch's end of the OpenFlow connection, {@code host:port}
 * @param nTables how many flow tables it has
 * @param nBuffers how many packets it can buffer
 * @param capabilities its {@code OFPC_*} bits
 * @param connectedSince when the handshake finished
 */
public record Device(DatapathId id, String address, int nTables, int nBuffers, int capabilities, Instant connectedSince) {
}
