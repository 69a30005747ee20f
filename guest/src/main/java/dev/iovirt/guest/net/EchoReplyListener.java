package dev.iovirt.guest.net;

import dev.iovirt.packet.Ipv4Address;

/** Gets ICMP echo replies (for ping). */
@FunctionalInterface
public interface EchoReplyListener {
    void echoReply(Ipv4Address source, int identifier, int sequence, int payloadLength);
}
