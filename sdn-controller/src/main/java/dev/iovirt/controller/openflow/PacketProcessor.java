package dev.iovirt.controller.openflow;

import dev.iovirt.openflow.OfpPacketIn;

/**
 * An app's view of PACKET_IN: called on the switch's Netty event loop, in processor order, for
 * every packet-in of a handshaken switch. This is the controller's hot path: a processor must not
 * block, log per packet, or hold on to {@code packetIn.data()} beyond the call unless it copies it.
 */
@FunctionalInterface
public interface PacketProcessor {
    /**
     * Handles one packet-in. Returns true when the packet is consumed, so that later processors
     * (e.g. the learning switch after LLDP discovery) do not see it.
     */
    boolean process(OpenFlowSwitch sw, OfpPacketIn packetIn);
}
