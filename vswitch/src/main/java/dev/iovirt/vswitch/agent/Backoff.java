package dev.iovirt.vswitch.agent;

import java.time.Duration;

/**
 * How long an active connection waits before its next attempt: the first retry after
 * {@code min}, each further failure doubling the wait up to {@code max}, back to {@code min} once a
 * connection completes its handshake. Open vSwitch's rconn does the same with 1 s and 8 s
 * (its default {@code max_backoff}).
 *
 * <p>Not thread-safe: one connection's event loop owns it.
 */
public final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private long nextNanos;

    public Backoff(Duration min, Duration max) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, not " + min + " and " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = minNanos;
    }

    /** The wait before the next attempt; the one after it doubles (up to the maximum). */
    public Duration next() {
        long now = nextNanos;
        nextNanos = Math.min(maxNanos, nextNanos * 2);
        return Duration.ofNanos(now);
    }

    /** A connection succeeded: the next failure waits the minimum again. */
    public void reset() {
        nextNanos = minNanos;
    }
}
