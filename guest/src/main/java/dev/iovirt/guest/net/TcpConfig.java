package dev.iovirt.guest.net;

/**
 * A stack's TCP settings. Defaults follow the RFCs and Linux; tests shorten the timers.
 *
 * @param sendBuffer bytes a connection's send buffer holds (sent but unacknowledged, and not yet sent)
 * @param receiveBuffer bytes a connection's receive buffer holds; the advertised window is its free
 *     part, at most 65535 (no window scaling, RFC 7323 is not implemented)
 * @param initialRtoNanos the RTO before any RTT is measured, RFC 6298 §2.1 (1 s)
 * @param minRtoNanos the RTO's floor, RFC 6298 §2.4 (1 s; Linux uses 200 ms)
 * @param maxRtoNanos the RTO's ceiling, RFC 6298 §2.5 (at least 60 s)
 * @param maxRetries retransmissions of one segment before the connection times out (Linux
 *     tcp_retries2 is 15, tcp_syn_retries 6; one figure here)
 * @param timeWaitNanos how long TIME_WAIT lasts: 2 MSL, RFC 9293 §3.4.2 (MSL is 2 minutes there;
 *     Linux waits 60 s in all)
 * @param delayedAckNanos how long an ACK for one in-order segment may wait for a second segment or
 *     outgoing data (RFC 9293 §3.8.6.3: under 0.5 s; Linux 40 ms); 0 acknowledges every segment at once
 * @param maxConnections connections the stack holds at once, TIME_WAIT included
 * @param isnSeed the secret key of the initial sequence number function (RFC 6528 §3), fixed so runs
 *     repeat
 */
public record TcpConfig(int sendBuffer, int receiveBuffer, long initialRtoNanos, long minRtoNanos, long maxRtoNanos, int maxRetries,
        long timeWaitNanos, long delayedAckNanos, int maxConnections, long isnSeed) {
    static final long MS = 1_000_000L;
    public static final TcpConfig DEFAULT = new TcpConfig(64 * 1024, 64 * 1024, 1_000 * MS, 1_000 * MS, 60_000 * MS, 8,
            60_000 * MS, 40 * MS, 256, 0x1CE_7CB_5EEDL);

    public TcpConfig {
        if (sendBuffer < 1 || receiveBuffer < 1 || minRtoNanos < 1 || initialRtoNanos < minRtoNanos || maxRtoNanos < initialRtoNanos
                || maxRetries < 1 || timeWaitNanos < 0 || delayedAckNanos < 0 || maxConnections < 1) {
            throw new IllegalArgumentException("bad TCP settings: " + this);
        }
    }

    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(send, receive, initialRtoNanos, minRtoNanos, maxRtoNanos, maxRetries, timeWaitNanos, delayedAckNanos,
                maxConnections, isnSeed);
    }

    public TcpConfig withRto(long initial, long min) {
        return new TcpConfig(sendBuffer, receiveBuffer, initial, min, maxRtoNanos, maxRetries, timeWaitNanos, delayedAckNanos,
                maxConnections, isnSeed);
    }

    public TcpConfig withMaxRetries(int retries) {
        return new TcpConfig(sendBuffer, receiveBuffer, initialRtoNanos, minRtoNanos, maxRtoNanos, retries, timeWaitNanos,
                delayedAckNanos, maxConnections, isnSeed);
    }

    public TcpConfig withTimeWait(long nanos) {
        return new TcpConfig(sendBuffer, receiveBuffer, initialRtoNanos, minRtoNanos, maxRtoNanos, maxRetries, nanos, delayedAckNanos,
                maxConnections, isnSeed);
    }

    public TcpConfig withDelayedAck(long nanos) {
        return new TcpConfig(sendBuffer, receiveBuffer, initialRtoNanos, minRtoNanos, maxRtoNanos, maxRetries, timeWaitNanos, nanos,
                maxConnections, isnSeed);
    }

    public TcpConfig withMaxConnections(int connections) {
        return new TcpConfig(sendBuffer, receiveBuffer, initialRtoNanos, minRtoNanos, maxRtoNanos, maxRetries, timeWaitNanos,
                delayedAckNanos, connections, isnSeed);
    }

    public TcpConfig withSeed(long seed) {
        return new TcpConfig(sendBuffer, receiveBuffer, initialRtoNanos, minRtoNanos, maxRtoNanos, maxRetries, timeWaitNanos,
                delayedAckNanos, maxConnections, seed);
    }
}
