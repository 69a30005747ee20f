package dev.iovirt.nfv;

import static dev.iovirt.nfv.ApplianceLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpEchoServer;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.nfv.firewall.Firewall;
import dev.iovirt.nfv.firewall.Rule;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.nfv.nat.Nat;
import dev.iovirt.virtio.net.VirtioNet;
import dev.iovirt.virtio.net.VirtioNetStats;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole VMs on virtual time: client VM ── appliance VM (two poll-mode virtio NICs) ── server VM. */
class ApplianceVmTest {
    static final Ipv4Address CLIENT = Ipv4Address.of("10.0.0.2");
    static final Ipv4Address SERVER = Ipv4Address.of("10.0.0.3");

    @Test
    void firewallVmPassesAllowedEchoAndPingAndStopsADeniedFlow() {
        ApplianceLab lab = new ApplianceLab();
        UdpTrafficGenerator[] echo = new UdpTrafficGenerator[1];
        UdpTrafficGenerator[] denied = new UdpTrafficGenerator[1];
        Ping[] ping = new Ping[1];
        UdpEchoServer[] server = new UdpEchoServer[1];
        long[] deniedArrived = new long[1];
        ApplianceLab.Machine client = lab.machine("client", "52:54:00:00:00:02", "10.0.0.2", 24, m -> {
            echo[0] = new UdpTrafficGenerator(m.stack, 40000, SERVER, UdpEchoServer.ECHO_PORT, 1000, 64, 50);
            denied[0] = new UdpTrafficGenerator(m.stack, 40001, SERVER, 9, 1000, 64, 20);
            ping[0] = new Ping(m.stack, SERVER, 3, 10 * MS, 56, 100 * MS);
            m.kernel.addTimer(MS, () -> m.kernel.spawn(echo[0]));
            m.kernel.addTimer(MS, () -> m.kernel.spawn(denied[0]));
            m.kernel.addTimer(MS, () -> m.kernel.spawn(ping[0]));
        });
        ApplianceLab.Machine srv = lab.machine("server", "52:54:00:00:00:03", "10.0.0.3", 24, m -> {
            server[0] = new UdpEchoServer(m.stack, UdpEchoServer.ECHO_PORT);
            m.stack.bindUdp(9, (s, src, port, p, off, len) -> deniedArrived[0]++);
        });
        Firewall firewall = new Firewall(Firewall.Config.of(List.of(
                Rule.parse("allow udp from 10.0.0.2 to 10.0.0.3 port 7"),
                Rule.parse("allow icmp from 10.0.0.0/24"),
                Rule.parse("deny udp to any port 9"))));
        ApplianceVm fw = lab.appliance("fw1", firewall, "52:54:00:00:0f:00", "52:54:00:00:0f:01");
        lab.cable(client.nic, fw.port(0));
        lab.cable(fw.port(1), srv.nic);
        lab.steps.runUntil(1_000 * MS);

        assertThat(fw.attached()).isTrue();
        assertThat(echo[0].replies()).as("echo replies came back through the firewall").isEqualTo(50);
        assertThat(server[0].echoed()).isEqualTo(50);
        assertThat(ping[0].summary()).startsWith("3 packets transmitted, 3 received");
        assertThat(denied[0].sent()).isEqualTo(20);
        assertThat(deniedArrived[0]).as("the denied flow never reached the server").isZero();
        List<Firewall.RuleCounter> rules = firewall.ruleCounters();
        assertThat(rules.get(0).packets()).as("one new connection").isEqualTo(1);
        assertThat(rules.get(1).packets()).isEqualTo(1);
        assertThat(rules.get(2).packets()).as("every denied datagram met the deny rule").isEqualTo(20);
        assertThat(fw.portCounters(0).rxFrames()).isGreaterThanOrEqualTo(50 + 20 + 3);
        assertThat(fw.portCounters(1).txFrames()).isGreaterThanOrEqualTo(50 + 3);
        assertThat(fw.functionCounters()).containsEntry("rule-2-packets", 20L);
        for (int port = 0; port < 2; port++) {
            VirtioNetStats nic = ((VirtioNet) fw.port(port)).stats();
            assertThat(nic.interrupts).as("poll mode: the NICs never interrupt").isZero();
            assertThat(nic.interruptsSuppressed).isPositive();
        }
        assertThat(fw.vm().stopped()).isFalse();
    }

    @Test
    void stoppedApplianceForwardsNothingAndResumesWhenStarted() {
        ApplianceLab lab = new ApplianceLab();
        Ping[] ping = new Ping[2];
        ApplianceLab.Machine client = lab.machine("client", "52:54:00:00:00:02", "10.0.0.2", 24, m -> {
            ping[0] = new Ping(m.stack, SERVER, 2, 10 * MS, 56, 50 * MS);
            ping[1] = new Ping(m.stack, SERVER, 2, 10 * MS, 56, 50 * MS);
            m.kernel.addTimer(20 * MS, () -> m.kernel.spawn(ping[0]));
            m.kernel.addTimer(2_000 * MS, () -> m.kernel.spawn(ping[1]));
        });
        ApplianceLab.Machine srv = lab.machine("server", "52:54:00:00:00:03", "10.0.0.3", 24, m -> { });
        ApplianceVm fw = lab.appliance("fw1", new Firewall(Firewall.Config.of(List.of(Rule.parse("allow icmp")))),
                "52:54:00:00:0f:00", "52:54:00:00:0f:01");
        lab.cable(client.nic, fw.port(0));
        lab.cable(fw.port(1), srv.nic);
        lab.steps.runUntil(10 * MS);
        fw.stop();
        lab.steps.runUntil(1_000 * MS);
        assertThat(ping[0].transmitted() + client.stack.stats().arpRequestsOut).as("the client tried").isPositive();
        assertThat(ping[0].received()).isZero();
        assertThat(fw.portCounters(0).rxFrames()).as("a stopped loop takes nothing").isZero();
        assertThat(((VirtioNet) fw.port(0)).stats().rxPackets).as("the NIC still took the frames into its ring").isPositive();
        fw.start();
        lab.steps.runUntil(3_000 * MS);
        assertThat(ping[1].received()).isEqualTo(2);
        assertThat(fw.portCounters(0).rxFrames()).isPositive();
    }

    @Test
    void natVmShowsInsideAddressesOnOneSideAndTranslatedOnesOnTheOther(@TempDir Path dir) throws Exception {
        ApplianceLab lab = new ApplianceLab();
        Ipv4Address server = Ipv4Address.of("10.0.1.10");
        Ipv4Address external = Ipv4Address.of("10.0.1.1");
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        Ping[] ping = new Ping[1];
        ApplianceLab.Machine client = lab.machine("client", "52:54:00:00:00:02", "10.0.0.2", 16, m -> {
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, server, UdpEchoServer.ECHO_PORT, 1000, 64, 10);
            ping[0] = new Ping(m.stack, server, 3, 10 * MS, 56, 100 * MS);
            m.kernel.addTimer(MS, () -> m.kernel.spawn(gen[0]));
            m.kernel.addTimer(MS, () -> m.kernel.spawn(ping[0]));
        });
        UdpEchoServer[] echo = new UdpEchoServer[1];
        ApplianceLab.Machine srv = lab.machine("server", "52:54:00:00:00:0a", "10.0.1.10", 16,
                m -> echo[0] = new UdpEchoServer(m.stack, UdpEchoServer.ECHO_PORT));
        Nat nat = new Nat(Nat.Config.of(external).withPorts(20000, 29999));
        ApplianceVm vm = lab.appliance("nat1", nat, "52:54:00:00:0a:00", "52:54:00:00:0a:01");
        Path inside = dir.resolve("inside.pcapng");
        Path outside = dir.resolve("outside.pcapng");
        try (PcapngWriter in = ApplianceLab.pcapng(inside); PcapngWriter out = ApplianceLab.pcapng(outside)) {
            lab.cable(lab.captured(client.nic, in, "client.eth0"), vm.port(0));
            lab.cable(vm.port(1), lab.captured(srv.nic, out, "server.eth0"));
            lab.steps.runUntil(1_000 * MS);
        }
        assertThat(gen[0].replies()).isEqualTo(10);
        assertThat(ping[0].summary()).startsWith("3 packets transmitted, 3 received");
        assertThat(echo[0].echoed()).isEqualTo(10);

        Set<String> insideIps = ipv4Addresses(inside);
        Set<String> outsideIps = ipv4Addresses(outside);
        assertThat(insideIps).containsExactlyInAnyOrder("10.0.0.2", "10.0.1.10");
        assertThat(outsideIps).containsExactlyInAnyOrder("10.0.1.1", "10.0.1.10");
        assertThat(nat.counters()).containsEntry("ports-exhausted", 0L);
        assertThat(nat.translatedOut()).isEqualTo(13);
        assertThat(nat.translatedIn()).isEqualTo(13);
    }

    /** Every IPv4 source and destination address in a capture, ARP's sender and target included. */
    static Set<String> ipv4Addresses(Path file) throws Exception {
        Set<String> s = new HashSet<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            for (CapturedFrame f : r.readAll()) {
                byte[] b = f.data();
                int type = Bytes.getU16(b, 12);
                if (type == EtherType.IPV4) {
                    s.add(Ipv4Address.format(Bytes.getI32(b, 26)));
                    s.add(Ipv4Address.format(Bytes.getI32(b, 30)));
                } else if (type == EtherType.ARP) {
                    s.add(Ipv4Address.format(Bytes.getI32(b, 28)));
                    s.add(Ipv4Address.format(Bytes.getI32(b, 38)));
                }
            }
        }
        return s;
    }
}
