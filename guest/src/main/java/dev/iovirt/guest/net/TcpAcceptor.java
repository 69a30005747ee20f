package dev.iovirt.guest.net;

/** What a listener does with a connection whose handshake completed: names its handler. */
@FunctionalInterface
public interface TcpAcceptor {
    /** Returns the handler for {@code connection} (ESTABLISHED); {@link TcpHandler#onConnected} follows. */
    TcpHandler accept(TcpConnection connection);
}
