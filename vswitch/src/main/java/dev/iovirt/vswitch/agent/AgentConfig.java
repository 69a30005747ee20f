package dev.iovirt.vswitch.agent;

import java.time.Duration;

/**
 * How an agent behaves towards its controllers.
 *
 * @param failMode what the switch does while no controller is connected
 * @param probeInterval how long a connection may be silent before the agent sends an echo request,
 *     and how long it then waits for any message before it disconnects (OVS's inactivity probe,
 *     5 s by default there too)
 * @param minBackoff the wait before reconnecting after the first failure of an active connection
 * @param maxBackoff the longest wait between attempts; the wait doubles from the minimum to this
 */
public record AgentConfig(FailMode failMode, Duration probeInterval, Duration minBackoff, Duration maxBackoff) {
    /** Secure, 5 s probes, reconnect backoff 1 s doubling to 8 s, as Open vSwitch. */
    public static final AgentConfig DEFAULT = new AgentConfig(FailMode.SECURE, Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofSeconds(8));

    public AgentConfig {
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probe interval must be positive: " + probeInterval);
        }
        new Backoff(minBackoff, maxBackoff); // validates
    }

    public AgentConfig withFailMode(FailMode mode) {
        return new AgentConfig(mode, probeInterval, minBackoff, maxBackoff);
    }

    public AgentConfig withProbeInterval(Duration interval) {
        return new AgentConfig(failMode, interval, minBackoff, maxBackoff);
    }

    public AgentConfig withBackoff(Duration min, Duration max) {
        return new AgentConfig(failMode, probeInterval, min, max);
    }
}
