package dev.iovirt.vswitch.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.packet.Vni;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.packet.testing.TestFrames;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two hosts' switches joined by VXLAN over real UDP sockets on loopback. */
class VxlanTunnelTest {
    VxlanEndpoint vtep1;
    VxlanEndpoint vtep2;
    Bridge br1;
    Bridge br2;
    DummyPort vm1;
    DummyPort vm2;
    VxlanPort tun1;
    VxlanPort tun2;
    final Semaphore arrived2 = new Semaphore(0);
    final Semaphore arrived1 = new Semaphore(0);

    @BeforeEach
    void setUp() {
        vtep1 = VxlanEndpoint.open(new InetSocketAddress("127.0.0.1", 0));
        vtep2 = VxlanEndpoint.open(new InetSocketAddress("127.0.0.2", 0));
        br1 = new Bridge("hv1", DatapathId.of(1), System::nanoTime);
        br2 = new Bridge("hv2", DatapathId.of(2), System::nanoTime);
        vm1 = new DummyPort("vm1");
        vm2 = new DummyPort("vm2");
        br1.addPort(1, "vm1", vm1);
        br2.addPort(1, "vm2", vm2);
        tun1 = new VxlanPort("vxlan-hv2", vtep1, vtep2.localAddress(), null);
        tun2 = new VxlanPort("vxlan-hv1", vtep2, vtep1.localAddress(), null);
        tun1.setReceiveListener(arrived1::release);
        tun2.setReceiveListener(arrived2::release);
        br1.addPort(10, "vxlan-hv2", tun1);
        br2.addPort(10, "vxlan-hv1", tun2);
        // Overlay network VNI 5001: the VM port's traffic goes into the tunnel with tun_id 5001, and
        // tunnel traffic with tun_id 5001 goes to the VM port.
        for (Bridge br : List.of(br1, br2)) {
            ok(br, OfpFlowMod.builder(FlowModCommand.ADD).priority(10).match(Match.builder().inPort(1).build())
                    .apply(new Action.SetField(Oxm.exact(OxmField.TUNNEL_ID, 5001)), Action.Output.to(10)).build());
            ok(br, OfpFlowMod.builder(FlowModCommand.ADD).priority(10)
                    .match(Match.builder().inPort(10).tunnelId(5001).build()).apply(Action.Output.to(1)).build());
        }
    }

    @AfterEach
    void tearDown() {
        tun1.close();
        tun2.close();
        vtep1.close();
        vtep2.close();
    }

    private static void ok(Bridge br, OfpFlowMod m) {
        assertThat(br.handle(m)).isEmpty();
    }

    /** Waits (without sleeping blindly) until {@code n} datagrams have arrived, then forwards them. */
    private static void deliver(Semaphore arrivals, int n, Bridge to) throws InterruptedException {
        assertThat(arrivals.tryAcquire(n, 10, TimeUnit.SECONDS)).as("%d datagrams arrived", n).isTrue();
        to.runUntilQuiet();
    }

    @Test
    void framesCrossTheTunnelUnchangedBothWays() throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            vm1.inject(TestFrames.udp(2000 + i, 9000, 18));
        }
        br1.runUntilQuiet();
        deliver(arrived2, 50, br2);
        assertThat(vm2.transmitted()).hasSize(50);
        assertThat(vm2.transmitted().get(49)).isEqualTo(TestFrames.udp(2049, 9000, 18));
        vm2.inject(TestFrames.arpReply());
        br2.runUntilQuiet();
        deliver(arrived1, 1, br1);
        assertThat(vm1.transmitted()).containsExactly(TestFrames.arpReply());
        assertThat(tun1.counters().txPackets).isEqualTo(50);
        assertThat(tun2.counters().rxPackets).isEqualTo(50);
    }

    @Test
    void anotherVniDoesNotReachTheVm() throws InterruptedException {
        ok(br1, OfpFlowMod.builder(FlowModCommand.ADD).priority(20).match(Match.builder().inPort(1).ethType(0x0806).build())
                .apply(new Action.SetField(Oxm.exact(OxmField.TUNNEL_ID, 7777)), Action.Output.to(10)).build());
        vm1.inject(TestFrames.arpRequest());
        br1.runUntilQuiet();
        deliver(arrived2, 1, br2);
        assertThat(vm2.transmitted()).isEmpty();
        assertThat(br2.trace(10, TestFrames.arpRequest()).datapathActions()).isEqualTo("drop");
    }

    @Test
    void datagramsFromUnknownRemotesOrWithoutTheIFlagAreDropped() throws IOException, InterruptedException {
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.3", 0))) {
            byte[] frame = TestFrames.udp64();
            byte[] good = new byte[8 + frame.length];
            good[0] = 0x08;
            System.arraycopy(frame, 0, good, 8, frame.length);
            stranger.send(new java.net.DatagramPacket(good, good.length, vtep2.localAddress()));
            byte[] noFlag = good.clone();
            noFlag[0] = 0;
            stranger.send(new java.net.DatagramPacket(noFlag, noFlag.length, vtep2.localAddress()));
            byte[] tiny = {0x08, 0, 0, 0};
            stranger.send(new java.net.DatagramPacket(tiny, tiny.length, vtep2.localAddress()));
            // A valid datagram from the real peer afterwards: once it is in, the earlier ones were handled.
            vm1.inject(TestFrames.udp64());
            br1.runUntilQuiet();
            deliver(arrived2, 1, br2);
        }
        assertThat(vtep2.unknownRemoteDrops() + vtep2.malformedDrops()).isEqualTo(3);
        assertThat(vtep2.malformedDrops()).isEqualTo(2);
        assertThat(vm2.transmitted()).hasSize(1);
    }

    @Test
    void aFixedKeyOverridesTheFrameTunnelId() throws InterruptedException {
        tun1.close();
        br1.removePort(10);
        VxlanPort keyed = new VxlanPort("vxlan-keyed", vtep1, vtep2.localAddress(), Vni.of(5001));
        br1.addPort(10, "vxlan-keyed", keyed);
        ok(br1, OfpFlowMod.builder(FlowModCommand.ADD).priority(30).match(Match.builder().inPort(1).build())
                .apply(Action.Output.to(10)).build());
        vm1.inject(TestFrames.udp64());
        br1.runUntilQuiet();
        deliver(arrived2, 1, br2);
        assertThat(vm2.transmitted()).containsExactly(TestFrames.udp64());
        keyed.close();
    }

    /** tshark, capturing on loopback, dissects what we send as RFC 7348 VXLAN with the inner frame. */
    @Test
    @Tag("interop")
    void tsharkSeesRfc7348Vxlan(@TempDir Path dir) throws Exception {
        String tshark = Peers.require("tshark", "tshark").toString();
        Path pcap = dir.resolve("vxlan.pcapng");
        int port = vtep2.localAddress().getPort();
        Process p = new ProcessBuilder(tshark, "-i", "lo", "-f", "udp dst port " + port, "-c", "3", "-w", pcap.toString())
                .redirectErrorStream(true).start();
        try {
            // tshark logs "Capture started." once its filter is installed; packets sent before would be missed.
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            StringBuilder said = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.contains("Capture started")) {
                said.append(line).append('\n');
            }
            assertThat(line).as("tshark did not start capturing on lo:\n%s", said).isNotNull();
            for (int i = 0; i < 3; i++) {
                vm1.inject(TestFrames.icmpEchoRequest(9, i));
            }
            br1.runUntilQuiet();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroy();
        }
        List<String> rows = Peers.run(30, tshark, "-r", pcap.toString(), "-d", "udp.port==" + port + ",vxlan",
                "-T", "fields", "-E", "separator=|", "-e", "vxlan.flags", "-e", "vxlan.vni", "-e", "ip.src", "-e", "icmp.seq")
                .requireSuccess().lines();
        assertThat(rows).containsExactly("0x0800|5001|127.0.0.1,10.0.0.1|0", "0x0800|5001|127.0.0.1,10.0.0.1|1",
                "0x0800|5001|127.0.0.1,10.0.0.1|2");
        assertThat(Files.size(pcap)).isPositive();
    }
}
