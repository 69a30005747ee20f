package dev.iovirt.guest.virtio;

import static dev.iovirt.guest.virtio.VirtioLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpEchoServer;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.guest.virtio.VirtioLab.Machine;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.virtio.VirtioStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two VMs on one host with virtio-net each, split or packed rings. */
class VirtioNetworkTest {
    @ParameterizedTest(name = "packed={0}")
    @ValueSource(booleans = {false, true})
    void twoVmsPingEachOtherOverVirtio(boolean packed) {
        VirtioLab lab = new VirtioLab();
        lab.packed = packed;
        Ping[] pings = new Ping[2];
        Machine a = lab.machine("a", "52:54:00:00:01:0a", "10.0.0.1", m -> {
            pings[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 3, 10 * MS, 56, 100 * MS);
            m.kernel.spawn(pings[0]);
        });
        Machine b = lab.machine("b", "52:54:00:00:01:0b", "10.0.0.2", m -> {
            pings[1] = new Ping(m.stack, Ipv4Address.of("10.0.0.1"), 3, 10 * MS, 56, 100 * MS);
            m.kernel.addTimer(5 * MS, () -> m.kernel.spawn(pings[1]));
        });
        lab.cable(a, b);
        lab.steps.runUntil(1_000 * MS);

        assertThat(a.driver.macAddress()).isEqualTo(MacAddress.of("52:54:00:00:01:0a")); // from config space
        assertThat((a.driver.features() & VirtioStatus.bit(VirtioStatus.F_RING_PACKED)) != 0).isEqualTo(packed);
        assertThat(pings[0].summary()).startsWith("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(pings[1].summary()).startsWith("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(a.transport.resetReason()).isNull();
        assertThat(b.transport.resetReason()).isNull();
        assertThat(a.kernel.faults()).isEmpty();
        assertThat(a.vm.stopped()).isFalse();
    }

    @ParameterizedTest(name = "packed={0}")
    @ValueSource(booleans = {false, true})
    void udpEchoRoundTripsOverVirtio(boolean packed) {
        VirtioLab lab = new VirtioLab();
        lab.packed = packed;
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        UdpEchoServer[] server = new UdpEchoServer[1];
        Machine a = lab.machine("a", "52:54:00:00:01:0a", "10.0.0.1", m -> {
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), UdpEchoServer.ECHO_PORT, 1000, 64, 300);
            m.kernel.addTimer(MS, () -> m.kernel.spawn(gen[0]));
        });
        Machine b = lab.machine("b", "52:54:00:00:01:0b", "10.0.0.2", m -> server[0] = new UdpEchoServer(m.stack, UdpEchoServer.ECHO_PORT));
        lab.cable(a, b);
        lab.steps.runUntil(2_000 * MS);
        assertThat(gen[0].sent()).isEqualTo(300);
        assertThat(gen[0].replies()).as("300 > 256: the rings wrapped").isEqualTo(300);
        assertThat(server[0].echoed()).isEqualTo(300);
        assertThat(a.nic.stats().rxNoBuffer + b.nic.stats().rxNoBuffer).isZero();
    }
}
