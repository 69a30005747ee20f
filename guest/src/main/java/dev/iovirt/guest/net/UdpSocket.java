package dev.iovirt.guest.net;

import dev.iovirt.packet.Ipv4Address;

/** A UDP socket bound to a local port of a {@link NetStack}. RFC 768. */
public final class UdpSocket {
    private final NetStack stack;
    private final int port;
    private final UdpHandler handler;
    long received;
    long sent;

    UdpSocket(NetStack stack, int port, UdpHandler handler) {
        this.stack = stack;
        this.port = port;
        this.handler = handler;
    }

    public int port() {
        return port;
    }

    UdpHandler handler() {
        return handler;
    }

    /**
     * Sends {@code payload[off, off+len)} to {@code destination:destinationPort}. Returns false if it
     * was dropped at once (too large, no route, the device ring full); true if it was sent or is held
     * while the destination's address resolves.
     */
    public boolean sendTo(Ipv4Address destination, int destinationPort, byte[] payload, int off, int len) {
        boolean ok = stack.sendUdp(port, destination.bits(), destinationPort, payload, off, len);
        if (ok) {
            sent++;
        }
        return ok;
    }

    /** Datagrams delivered to the handler. */
    public long received() {
        return received;
    }

    /** Datagrams sent (or held for ARP). */
    public long sent() {
        return sent;
    }

    /** Unbinds the port. */
    public void close() {
        stack.unbind(this);
    }
}
