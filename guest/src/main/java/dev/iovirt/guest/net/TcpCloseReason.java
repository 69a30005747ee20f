package dev.iovirt.guest.net;

/** Why a TCP connection ended; each constant's line is its message. */
public enum TcpCloseReason {
    /** Closed in order: both FINs sent and acknowledged. */
    NORMAL,
    /** Connection refused: the peer answered the SYN with a RST (no one listens on the port). */
    REFUSED,
    /** Connection reset by the peer. */
    RESET,
    /** Timed out: a segment went unacknowledged through every retransmission. */
    TIMED_OUT,
    /** Aborted by this side ({@link TcpConnection#abort}); a RST was sent. */
    ABORTED
}
