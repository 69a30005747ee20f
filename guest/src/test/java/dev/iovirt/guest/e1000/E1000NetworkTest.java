package dev.iovirt.guest.e1000;

import static dev.iovirt.guest.e1000.E1000Lab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpEchoServer;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import org.junit.jupiter.api.Test;

/** Two VMs on one host, each with an e1000, joined by a cable. */
class E1000NetworkTest {
    private final E1000Lab lab = new E1000Lab();
    private final Ping[] pings = new Ping[2];

    @Test
    void twoVmsPingEachOtherOverE1000() {
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            pings[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 3, 10 * MS, 56, 100 * MS);
            m.kernel.spawn(pings[0]);
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> {
            pings[1] = new Ping(m.stack, Ipv4Address.of("10.0.0.1"), 3, 10 * MS, 56, 100 * MS);
            m.kernel.addTimer(5 * MS, () -> m.kernel.spawn(pings[1]));
        });
        lab.cable(a, b);
        lab.steps.runUntil(1_000 * MS);

        assertThat(a.driver.macAddress()).isEqualTo(MacAddress.of("52:54:00:00:00:0a")); // read from the EEPROM
        assertThat(pings[0].summary()).startsWith("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(pings[1].summary()).startsWith("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(pings[0].finished()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(pings[0].rttNanos(i)).isNotNegative();
        }
        // a resolved b with one request; b learned a from that request (RFC 826 merge) and never asked.
        assertThat(a.stack.stats().arpRequestsOut).isEqualTo(1);
        assertThat(b.stack.stats().arpRequestsOut).isZero();
        assertThat(b.stack.stats().arpRepliesOut).isEqualTo(1);
        assertThat(a.stack.stats().icmpEchoRepliesOut).isEqualTo(3);
        assertThat(b.stack.stats().icmpEchoRepliesOut).isEqualTo(3);
        assertThat(a.nic.totalErrors()).isZero();
        assertThat(b.nic.totalErrors()).isZero();
        assertThat(a.vm.stopped()).isFalse();
        assertThat(a.kernel.faults()).isEmpty();
        assertThat(b.kernel.faults()).isEmpty();
    }

    @Test
    void udpEchoRoundTrips() {
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        UdpEchoServer[] server = new UdpEchoServer[1];
        E1000Driver.Statistics[] stats = new E1000Driver.Statistics[1];
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), UdpEchoServer.ECHO_PORT, 1000, 64, 20);
            m.kernel.addTimer(MS, () -> m.kernel.spawn(gen[0]));
            m.kernel.addTimer(500 * MS, () -> m.kernel.spawn(k -> { // a watchdog's statistics read, after the traffic
                stats[0] = m.driver.updateStatistics();
                return false;
            }));
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> server[0] = new UdpEchoServer(m.stack, UdpEchoServer.ECHO_PORT));
        lab.cable(a, b);
        lab.steps.runUntil(1_000 * MS);

        assertThat(gen[0].sent()).isEqualTo(20);
        assertThat(gen[0].replies()).isEqualTo(20);
        assertThat(server[0].echoed()).isEqualTo(20);
        assertThat(b.stack.stats().udpChecksumErrors).isZero();
        assertThat(a.stack.stats().udpChecksumErrors).isZero();
        // 20 packets at 1000 pps take 19 ms from the first; the statistics read is at 500 ms.
        assertThat(lab.clock.nanos()).isEqualTo(500 * MS);
        assertThat(a.nic.totalErrors() + b.nic.totalErrors()).isZero();

        // The driver's view of the device's statistics: ARP request and reply, 20 datagrams each way.
        assertThat(stats[0].goodPacketsTransmitted()).isEqualTo(21);
        assertThat(stats[0].goodPacketsReceived()).isEqualTo(21);
        assertThat(stats[0].goodOctetsReceived()).isEqualTo(21 * 64); // 60-byte frames plus the FCS the counters include
        assertThat(stats[0].missedPackets()).isZero();
    }
}
