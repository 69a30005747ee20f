package dev.iovirt.vswitch.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Our switch on a real interface: Linux's {@code ping}, inside a network namespace this test makes,
 * reaches a host simulated behind our switch through a veth that an {@link UplinkPort} serves.
 * Addresses exist only inside the namespace and in the simulated host.
 */
@Tag("interop")
class UplinkPortInteropTest {
    static final String NS = "iovup" + ProcessHandle.current().pid() % 100_000;
    static final String OURS = "iovA" + ProcessHandle.current().pid() % 100_000;
    static final String PEER = "iovB" + ProcessHandle.current().pid() % 100_000;
    static final Ipv4Address NS_IP = Ipv4Address.of("10.99.0.1");
    static final Ipv4Address HOST_IP = Ipv4Address.of("10.99.0.2");
    static final MacAddress HOST_MAC = MacAddress.of("02:00:00:99:00:02");

    @BeforeAll
    static void makeANamespaceWithAVeth() {
        Peers.require("ip", "iproute2");
        Peers.require("ping", "iputils-ping");
        Peers.require("ethtool", "ethtool");
        Peers.run(10, "ip", "netns", "add", NS).requireSuccess();
        Peers.run(10, "ip", "link", "add", OURS, "type", "veth", "peer", "name", PEER).requireSuccess();
        Peers.run(10, "ip", "link", "set", PEER, "netns", NS).requireSuccess();
        Peers.run(10, "ip", "-n", NS, "addr", "add", NS_IP + "/24", "dev", PEER).requireSuccess();
        Peers.run(10, "ip", "-n", NS, "link", "set", PEER, "up").requireSuccess();
        Peers.run(10, "ip", "netns", "exec", NS, "ethtool", "-K", PEER, "tx", "off").requireSuccess();
        Peers.run(10, "ip", "link", "set", OURS, "up").requireSuccess();
    }

    @AfterAll
    static void removeThem() {
        if (Peers.which("ip") != null) {
            Peers.run(10, "ip", "link", "del", OURS);
            Peers.run(10, "ip", "netns", "del", NS);
        }
    }

    @Test
    void pingFromANamespaceCrossesOurSwitchToAHostBehindIt() throws Exception {
        Bridge br = new Bridge("br-up", DatapathId.of(9), System::nanoTime);
        Semaphore arrivals = new Semaphore(0);
        try (UplinkPort uplink = UplinkPort.open("uplink", OURS)) {
            uplink.setReceiveListener(arrivals::release);
            DummyPort host = new DummyPort("host");
            br.addPort(1, "uplink", uplink);
            br.addPort(2, "host", host);
            assertThat(br.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(0).match(Match.ALL)
                    .apply(Action.Output.to(PortNo.NORMAL)).build())).isEmpty();

            Process ping = new ProcessBuilder("ip", "netns", "exec", NS, "ping", "-c", "3", "-i", "0.2", "-W", "5",
                    HOST_IP.toString()).redirectErrorStream(true).start();
            int answered = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ping.isAlive() && System.nanoTime() < deadline) {
                // Wait for frames from the namespace (an event, not a sleep), then forward and answer.
                if (!arrivals.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                br.runUntilQuiet();
                for (byte[] f : host.drain()) {
                    byte[] reply = answer(f);
                    if (reply != null) {
                        host.inject(reply);
                        answered++;
                    }
                }
                br.runUntilQuiet();
            }
            assertThat(ping.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String out = new String(ping.getInputStream().readAllBytes());
            assertThat(ping.exitValue()).as(out).isZero();
            assertThat(out).contains("3 packets transmitted, 3 received");
            assertThat(answered).isGreaterThanOrEqualTo(4); // one ARP reply and three echo replies
            assertThat(uplink.counters().rxPackets).isGreaterThanOrEqualTo(4);
            assertThat(uplink.counters().txPackets).isGreaterThanOrEqualTo(4);
        }
    }

    /** The simulated host at 10.99.0.2: answers ARP requests and ICMP echo requests for it. */
    static byte[] answer(byte[] f) {
        FlowKey k = FlowKeyParser.parse(f, 0, f.length, 0, new FlowKey());
        MacAddress peer = MacAddress.of(k.ethSrc());
        if (k.has(FlowKey.L_ARP) && k.arpOp() == 1 && k.arpTpa() == HOST_IP.bits()) {
            return PacketBuilder.ethernet(HOST_MAC, peer).arp(2, HOST_MAC, HOST_IP, peer, Ipv4Address.of(k.arpSpa())).build();
        }
        if (k.has(FlowKey.L_ICMP) && k.icmpType() == 8 && k.ipv4Dst() == HOST_IP.bits()) {
            int icmp = k.l4Offset();
            int dataLen = k.l3Length() - (icmp - k.l3Offset()) - 8;
            byte[] data = Arrays.copyOfRange(f, icmp + 8, icmp + 8 + dataLen);
            return PacketBuilder.ethernet(HOST_MAC, peer).ipv4(HOST_IP, Ipv4Address.of(k.ipv4Src()))
                    .icmpEcho(false, Bytes.getU16(f, icmp + 4), Bytes.getU16(f, icmp + 6)).payload(data).build();
        }
        return null;
    }
}
