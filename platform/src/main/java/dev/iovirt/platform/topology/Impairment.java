package dev.iovirt.platform.topology;

import java.time.Duration;
import java.util.Optional;

/**
 * What a link or a vNIC does to the packets it carries, declared in the topology (as {@code tc netem}
 * and {@code tc tbf} would do it on Linux). {@link #NONE} is a perfect link.
 *
 * @param delay the one-way latency added to every packet
 * @param jitter the spread of the delay: each packet's delay is uniform in delay ± jitter
 * @param lossPercent the share of packets dropped at random, 0..100
 * @param rate the bandwidth in bits per second, if limited
 */
public record Impairment(Duration delay, Duration jitter, double lossPercent, Optional<Rate> rate) {
    /** No delay, no loss, no rate limit. */
    public static final Impairment NONE = new Impairment(Duration.ZERO, Duration.ZERO, 0, Optional.empty());

    public Impairment {
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("delay and jitter cannot be negative");
        }
        if (jitter.compareTo(delay) > 0) {
            throw new IllegalArgumentException("jitter " + jitter + " is larger than the delay " + delay);
        }
        if (!(lossPercent >= 0 && lossPercent <= 100)) {
            throw new IllegalArgumentException("loss must be 0..100%: " + lossPercent);
        }
        if (rate.isPresent() && rate.get().unit() != Rate.Unit.BITS) {
            throw new IllegalArgumentException("a link rate is in bits per second: " + rate.get());
        }
    }

    /** Whether this impairment changes anything. */
    public boolean isNone() {
        return equals(NONE);
    }
}
