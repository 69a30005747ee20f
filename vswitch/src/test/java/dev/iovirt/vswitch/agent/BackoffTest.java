package dev.iovirt.vswitch.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void waitsDoubleFromOneSecondToEightAsOpenVSwitchsRconn() {
        Backoff b = new Backoff(AgentConfig.DEFAULT.minBackoff(), AgentConfig.DEFAULT.maxBackoff());
        assertThat(new Duration[] {b.next(), b.next(), b.next(), b.next(), b.next()})
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(8));
    }

    @Test
    void aSuccessfulConnectionStartsOverAtTheMinimum() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
        b.next();
        b.next();
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void minimumAboveMaximumIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(9), Duration.ofSeconds(8)))
                .hasMessageContaining("0 < min <= max");
    }
}
