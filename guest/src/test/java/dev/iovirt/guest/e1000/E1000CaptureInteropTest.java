package dev.iovirt.guest.e1000;

import static dev.iovirt.guest.e1000.E1000Lab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpEchoServer;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.testing.Peers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frames that crossed the cable, written as pcapng, read back by tshark. */
@Tag("interop")
class E1000CaptureInteropTest {
    @TempDir
    Path dir;

    @Test
    void aCaptureOfTheLinkOpensInTsharkWithCorrectArpIcmpAndUdp() throws Exception {
        Path tshark = Peers.require("tshark", "tshark");
        E1000Lab lab = new E1000Lab();
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            m.kernel.spawn(new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 2, 10 * MS, 56, 10 * MS));
            UdpTrafficGenerator gen = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), UdpEchoServer.ECHO_PORT, 100, 128, 2);
            m.kernel.addTimer(50 * MS, () -> m.kernel.spawn(gen));
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> {
            new UdpEchoServer(m.stack, UdpEchoServer.ECHO_PORT);
            m.kernel.addTimer(100 * MS, () -> m.kernel.spawn(k -> {
                m.stack.announce(); // a gratuitous ARP
                return false;
            }));
        });
        lab.cable(a, b);
        lab.steps.runUntil(1_000 * MS);
        Path file = dir.resolve("e1000-link.pcapng");
        Pcapng.write(file, lab.captured);

        List<String> lines = Peers.run(30, tshark.toString(), "-r", file.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|",
                "-e", "frame.protocols", "-e", "arp.opcode", "-e", "arp.isgratuitous", "-e", "icmp.type",
                "-e", "ip.checksum.status", "-e", "icmp.checksum.status", "-e", "udp.checksum.status", "-e", "udp.dstport",
                "-e", "_ws.expert.severity").requireSuccess().lines();
        // Checksum status 1 is Wireshark's "Good". ARP request, ARP reply; 2 echo requests and replies; 2 datagrams and their echoes; 1 gratuitous ARP.
        assertThat(lines).hasSize(11);
        assertThat(lines.get(0)).startsWith("eth:ethertype:arp|1|");
        assertThat(lines.get(1)).startsWith("eth:ethertype:arp|2|");
        assertThat(lines).filteredOn(l -> l.startsWith("eth:ethertype:ip:icmp:data|")).hasSize(4)
                .allSatisfy(l -> assertThat(l.split("\\|", -1)[4]).isEqualTo("1"))
                .allSatisfy(l -> assertThat(l.split("\\|", -1)[5]).isEqualTo("1"));
        assertThat(lines).filteredOn(l -> l.startsWith("eth:ethertype:ip:udp:")).hasSize(4)
                .allSatisfy(l -> assertThat(l.split("\\|", -1)[6]).isEqualTo("1"));
        assertThat(lines.get(10)).startsWith("eth:ethertype:arp|1|1|");
        assertThat(lines).allMatch(l -> l.endsWith("|")); // no expert info at all: nothing malformed
        assertThat(b.stack.stats().gratuitousArpIn + a.stack.stats().gratuitousArpIn).isEqualTo(1);
    }
}
