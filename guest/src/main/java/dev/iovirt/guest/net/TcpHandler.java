package dev.iovirt.guest.net;

/**
 * What a program does when its TCP connection changes. Every callback runs to completion in the
 * stack's receive or timer task, and may call the connection's {@code send}, {@code read},
 * {@code close} and {@code abort}. Only {@link #onClosed} is called after the connection ended, and it
 * is called exactly once.
 */
public interface TcpHandler {
    /** The three-way handshake completed (ESTABLISHED). */
    default void onConnected(TcpConnection connection) {
    }

    /** In-order bytes arrived; {@code available} bytes wait for {@link TcpConnection#read}. */
    default void onData(TcpConnection connection, int available) {
    }

    /** Room opened in the send buffer after a {@link TcpConnection#send} filled it or accepted fewer bytes than offered. */
    default void onWritable(TcpConnection connection) {
    }

    /** The peer sent its FIN: no more data will arrive. By default this side closes too. */
    default void onPeerClosed(TcpConnection connection) {
        connection.close();
    }

    /** A RST from the peer ended the connection; {@link #onClosed} follows with {@link TcpCloseReason#RESET}. */
    default void onReset(TcpConnection connection) {
    }

    /** The connection ended (CLOSED, or TIME_WAIT after an orderly close), for {@code reason}. */
    default void onClosed(TcpConnection connection, TcpCloseReason reason) {
    }
}
