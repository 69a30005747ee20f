package dev.iovirt.guest.net;

/** A TCP connection's state. RFC 9293 §3.3.2 (LISTEN belongs to a {@link TcpListener}, not a connection). */
public enum TcpState {
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT,
    CLOSED;

    /** Whether the state is synchronized (RFC 9293 §3.5.2: ESTABLISHED and every state after it). */
    public boolean synchronizedState() {
        return this != SYN_SENT && this != SYN_RECEIVED && this != CLOSED;
    }
}
