package dev.iovirt.guest.programs;

import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.net.UdpSocket;

/** Sends every datagram back to where it came from (RFC 862 over UDP). Runs in the receive task. */
public final class UdpEchoServer {
    /** The echo service's port. RFC 862. */
    public static final int ECHO_PORT = 7;
    private final UdpSocket socket;
    private long echoed;

    public UdpEchoServer(NetStack stack, int port) {
        this.socket = stack.bindUdp(port, (s, source, sourcePort, payload, off, len) -> {
            if (s.sendTo(source, sourcePort, payload, off, len)) {
                echoed++;
            }
        });
    }

    public long echoed() {
        return echoed;
    }

    public UdpSocket socket() {
        return socket;
    }
}
