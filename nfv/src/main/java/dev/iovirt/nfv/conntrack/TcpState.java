package dev.iovirt.nfv.conntrack;

/**
 * The TCP connection states of Linux's {@code nf_conntrack_proto_tcp.c} (the tracker's view of both
 * ends together, not one end's RFC 9293 §3.3.2 state), with the default timeouts of
 * {@code tcp_timeouts[]} (Documentation/networking/nf_conntrack-sysctl.rst,
 * {@code nf_conntrack_tcp_timeout_*}).
 */
public enum TcpState {
    /** No packet seen yet (only while an entry is being created). */
    NONE(0),
    /** A SYN seen in the original direction. */
    SYN_SENT(120_000_000_000L),
    /** The SYN-ACK seen in reply. */
    SYN_RECV(60_000_000_000L),
    /** The three-way handshake completed. */
    ESTABLISHED(5L * 24 * 3600 * 1_000_000_000L),
    /** A FIN seen from one side. */
    FIN_WAIT(120_000_000_000L),
    /** The FIN acknowledged; the other side has not closed yet. */
    CLOSE_WAIT(60_000_000_000L),
    /** FINs seen from both sides, the last not yet acknowledged. */
    LAST_ACK(30_000_000_000L),
    /** Both FINs acknowledged (2 MSL). */
    TIME_WAIT(120_000_000_000L),
    /** A RST seen. */
    CLOSE(10_000_000_000L),
    /** A SYN seen in both directions (simultaneous open, RFC 9293 §3.5 figure 7). */
    SYN_SENT2(120_000_000_000L);

    /** Linux's default timeout for the state, in nanoseconds. */
    public final long defaultTimeoutNanos;

    TcpState(long defaultTimeoutNanos) {
        this.defaultTimeoutNanos = defaultTimeoutNanos;
    }

    static final TcpState[] VALUES = values();
}
