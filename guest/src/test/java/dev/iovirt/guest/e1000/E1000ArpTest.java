package dev.iovirt.guest.e1000;

import static dev.iovirt.guest.e1000.E1000Lab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.net.ArpCache;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import org.junit.jupiter.api.Test;

/** The guest stack's ARP over the e1000: resolution, held packets, retries, timeouts, gratuitous ARP. */
class E1000ArpTest {
    private static final long S = 1_000_000_000L;
    private final E1000Lab lab = new E1000Lab();
    private final Ping[] ping = new Ping[1];

    @Test
    void packetsSentWhileResolvingAreHeldAndSentWhenTheReplyArrives() {
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            // Two more requests than the queue holds, back to back, before any ARP reply can arrive.
            ping[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), ArpCache.PENDING_PER_ENTRY + 2, 0, 8, MS);
            m.kernel.spawn(k -> {
                for (int i = 0; i < ArpCache.PENDING_PER_ENTRY + 2; i++) {
                    ping[0].step(k);
                }
                return false;
            });
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> { });
        lab.cable(a, b);
        lab.steps.runUntil(100 * MS);
        assertThat(ping[0].received()).isEqualTo(ArpCache.PENDING_PER_ENTRY);
        assertThat(a.stack.stats().arpUnresolvedDrops).isEqualTo(2);
        assertThat(a.stack.stats().arpRequestsOut).isEqualTo(1);
        assertThat(a.stack.arp().lookup(Ipv4Address.of("10.0.0.2"), lab.clock.nanos())).isEqualTo(MacAddress.of("52:54:00:00:00:0b"));
        assertThat(b.stack.arp().lookup(Ipv4Address.of("10.0.0.1"), lab.clock.nanos())).isEqualTo(MacAddress.of("52:54:00:00:00:0a"));
    }

    @Test
    void anUnansweredAddressIsAskedThreeTimesOneSecondApartThenItsPacketsAreDropped() {
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            ping[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.9"), 1, MS, 8, MS);
            m.kernel.spawn(ping[0]);
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> { });
        lab.cable(a, b);
        lab.steps.runUntil(S / 2);
        assertThat(a.stack.arp().resolving(Ipv4Address.of("10.0.0.9"))).isTrue();
        assertThat(a.stack.stats().arpRequestsOut).isEqualTo(1);
        lab.steps.runUntil(10 * S);
        assertThat(a.stack.stats().arpRequestsOut).isEqualTo(ArpCache.MAX_REQUESTS);
        assertThat(a.stack.stats().arpUnresolvedDrops).isEqualTo(1);
        assertThat(a.stack.arp().resolving(Ipv4Address.of("10.0.0.9"))).isFalse();
        assertThat(lab.clock.nanos()).isEqualTo(3 * S); // requests at 0, 1 and 2 s; given up at 3 s
        assertThat(b.stack.stats().arpRequestsIn).isEqualTo(3); // b heard them and did not answer
        assertThat(b.stack.stats().arpRepliesOut).isZero();
        assertThat(ping[0].received()).isZero();
    }

    @Test
    void anEntryExpiresAndIsResolvedAgainOnItsNextUse() {
        lab.arpReachableNanos = 50 * MS;
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            ping[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 3, 40 * MS, 8, MS);
            m.kernel.spawn(ping[0]);
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> { });
        lab.cable(a, b);
        lab.steps.runUntil(S);
        // Pings at 0, 40 and 80 ms: the entry made at 0 ms is stale at 80 ms, so a asks again.
        assertThat(ping[0].received()).isEqualTo(3);
        assertThat(a.stack.stats().arpRequestsOut).isEqualTo(2);
    }

    @Test
    void aGratuitousArpRefreshesAnExistingEntryAndCreatesNone() {
        lab.arpReachableNanos = 50 * MS;
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            ping[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 2, 80 * MS, 8, MS);
            m.kernel.spawn(ping[0]);
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> m.kernel.addTimer(40 * MS, () -> m.kernel.spawn(k -> {
            m.stack.announce();
            return false;
        })));
        Machine c = lab.machine("c", "52:54:00:00:00:0c", "10.0.0.3", m -> { });
        lab.cable(a, b);
        lab.steps.runUntil(S);
        // The announcement at 40 ms refreshed a's entry until 90 ms: the ping at 80 ms needed no request.
        assertThat(a.stack.stats().gratuitousArpIn).isEqualTo(1);
        assertThat(a.stack.stats().arpRequestsOut).isEqualTo(1);
        assertThat(ping[0].received()).isEqualTo(2);
        assertThat(a.stack.arp().size()).isEqualTo(1);
        assertThat(c.stack.arp().size()).isZero(); // not cabled: it heard nothing
    }
}
