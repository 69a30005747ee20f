package dev.iovirt.guest.net;

import dev.iovirt.packet.Ipv4Address;

/** What a UDP socket does with a datagram; the payload bytes are valid only during the call. */
@FunctionalInterface
public interface UdpHandler {
    void datagram(UdpSocket socket, Ipv4Address source, int sourcePort, byte[] payload, int off, int len);
}
