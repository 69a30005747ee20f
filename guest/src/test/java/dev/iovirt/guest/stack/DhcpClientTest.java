package dev.iovirt.guest.stack;

import static dev.iovirt.guest.stack.StackLab.IP;
import static dev.iovirt.guest.stack.StackLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.DhcpClient;
import dev.iovirt.guest.programs.UdpEchoServer;
import dev.iovirt.guest.stack.StackLab.Machine;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A guest's DHCP client against a DHCP server the test plays from the host side of the guest's
 * e1000: the test reads the client's frames and writes the server's, built with the packet module's
 * builder. RFC 2131.
 */
class DhcpClientTest {
    private static final MacAddress CLIENT_MAC = MacAddress.of("52:54:00:00:00:0c");
    private static final MacAddress SERVER_MAC = MacAddress.of("52:54:00:00:00:01");
    private static final Ipv4Address SERVER = Ipv4Address.of("10.0.0.1");
    private static final Ipv4Address OFFERED = Ipv4Address.of("10.0.0.50");
    private static final Ipv4Address ROUTER = Ipv4Address.of("10.0.0.254");
    private final StackLab lab = new StackLab();
    private DhcpClient client;
    private UdpEchoServer echo;
    private final Machine c = lab.machine("c", CLIENT_MAC.toString(), null, m -> {
        client = new DhcpClient(m.stack, 100 * MS, 7);
        echo = new UdpEchoServer(m.stack, UdpEchoServer.ECHO_PORT);
        m.kernel.spawn(client);
    });

    private List<byte[]> sent() {
        FrameBatch batch = new FrameBatch();
        c.nic.receive(batch);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(batch.get(i).toBytes());
        }
        return out;
    }

    private void inject(byte[] frame) {
        FrameBatch batch = new FrameBatch();
        batch.add(frame, 0, frame.length);
        assertThat(c.nic.transmit(batch)).isEqualTo(1);
        lab.steps.runUntil(lab.clock.nanos() + MS);
    }

    /** Option 53 of a DHCP message at {@code o}, and the value of option {@code code} (or null). */
    private static byte[] option(byte[] f, int o, int code) {
        int p = o + 240;
        while (p < f.length && (f[p] & 0xFF) != 255) {
            if (f[p] == 0) {
                p++;
                continue;
            }
            int len = f[p + 1] & 0xFF;
            if ((f[p] & 0xFF) == code) {
                return java.util.Arrays.copyOfRange(f, p + 2, p + 2 + len);
            }
            p += 2 + len;
        }
        return null;
    }

    /** A server's reply (BOOTREPLY) to {@code xid} of {@code type}, broadcast, with the options a server gives. */
    private static byte[] reply(int type, int xid, Ipv4Address yiaddr) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        byte[] fixed = new byte[240];
        fixed[0] = 2;
        fixed[1] = 1;
        fixed[2] = 6;
        Bytes.putI32(fixed, 4, xid);
        Bytes.putU16(fixed, 10, 0x8000);
        Bytes.putI32(fixed, 16, yiaddr.bits());
        Bytes.putI32(fixed, 20, SERVER.bits());
        Bytes.putU48(fixed, 28, CLIENT_MAC.bits());
        Bytes.putI32(fixed, 236, 0x63825363);
        m.writeBytes(fixed);
        m.writeBytes(new byte[] {53, 1, (byte) type});
        m.writeBytes(new byte[] {54, 4, 10, 0, 0, 1});
        if (type != 6) {
            m.writeBytes(new byte[] {51, 4, 0, 0, 0x0E, 0x10}); // 3600 s
            m.writeBytes(new byte[] {1, 4, (byte) 255, (byte) 255, (byte) 255, 0});
            m.writeBytes(new byte[] {3, 4, 10, 0, 0, (byte) 254});
        }
        m.write(255);
        while (m.size() < 300) {
            m.write(0);
        }
        return PacketBuilder.ethernet(SERVER_MAC, MacAddress.BROADCAST).ipv4(SERVER, Ipv4Address.BROADCAST).udp(67, 68)
                .payload(m.toByteArray()).build();
    }

    private static void assertIsClientMessage(byte[] f, int type, int xid) {
        assertThat(MacAddress.read(f, 0)).isEqualTo(MacAddress.BROADCAST);
        assertThat(Bytes.getI32(f, 14 + 12)).isZero(); // from 0.0.0.0
        assertThat(Bytes.getI32(f, 14 + 16)).isEqualTo(-1); // to 255.255.255.255
        assertThat(Bytes.getU16(f, IP)).isEqualTo(68);
        assertThat(Bytes.getU16(f, IP + 2)).isEqualTo(67);
        int udpLength = Bytes.getU16(f, IP + 4);
        assertThat(Checksums.finish(Checksums.sum(f, IP, udpLength, Checksums.pseudoHeaderIpv4(0, -1, 17, udpLength)))).isZero();
        int o = IP + 8;
        assertThat(udpLength - 8).isGreaterThanOrEqualTo(300);
        assertThat(f[o]).isEqualTo((byte) 1); // BOOTREQUEST
        assertThat(Bytes.getI32(f, o + 4)).isEqualTo(xid);
        assertThat(Bytes.getU16(f, o + 10)).isEqualTo(0x8000); // BROADCAST
        assertThat(Bytes.getU48(f, o + 28)).isEqualTo(CLIENT_MAC.bits());
        assertThat(Bytes.getI32(f, o + 236)).isEqualTo(0x63825363);
        assertThat(option(f, o, 53)).containsExactly(type);
    }

    @Test
    void theClientGetsAnAddressRetransmittingWhenUnansweredAndThenAnswersPingAndUdpWithIt() {
        lab.steps.runUntil(MS);
        assertThat(c.stack.configured()).isFalse();
        List<byte[]> out = sent();
        assertThat(out).hasSize(1);
        int xid = client.xid();
        assertIsClientMessage(out.get(0), 1, xid);
        assertThat(client.state()).isEqualTo(DhcpClient.State.SELECTING);

        // Unanswered: the DISCOVER comes again after 100 ms, then 200 ms more (RFC 2131 §4.1 doubling).
        lab.steps.runUntil(99 * MS);
        assertThat(sent()).isEmpty();
        lab.steps.runUntil(101 * MS);
        assertIsClientMessage(sent().get(0), 1, xid);
        lab.steps.runUntil(299 * MS);
        assertThat(sent()).isEmpty();
        lab.steps.runUntil(301 * MS);
        assertIsClientMessage(sent().get(0), 1, xid);

        inject(reply(2, xid + 1, OFFERED)); // another client's offer
        assertThat(client.ignored()).isEqualTo(1);
        assertThat(sent()).isEmpty();
        inject(reply(2, xid, OFFERED));
        byte[] request = sent().get(0);
        assertIsClientMessage(request, 3, xid);
        assertThat(option(request, IP + 8, 50)).containsExactly(10, 0, 0, 50);
        assertThat(option(request, IP + 8, 54)).containsExactly(10, 0, 0, 1);
        assertThat(Bytes.getI32(request, IP + 8 + 12)).isZero(); // ciaddr
        assertThat(client.state()).isEqualTo(DhcpClient.State.REQUESTING);

        inject(reply(5, xid, OFFERED));
        assertThat(client.state()).isEqualTo(DhcpClient.State.BOUND);
        assertThat(c.stack.address()).isEqualTo(OFFERED);
        assertThat(c.stack.prefixLength()).isEqualTo(24);
        assertThat(c.stack.gateway()).isEqualTo(ROUTER);
        assertThat(client.leaseSeconds()).isEqualTo(3600);
        assertThat(client.server()).isEqualTo(SERVER);
        byte[] announce = sent().get(0); // a gratuitous ARP for the new address
        assertThat(Bytes.getU16(announce, 12)).isEqualTo(0x0806);
        assertThat(Bytes.getI32(announce, 14 + 14)).isEqualTo(OFFERED.bits());
        lab.steps.runUntil(lab.clock.nanos() + 1_000 * MS);
        assertThat(sent()).isEmpty(); // no retransmission once bound

        // The address works: the server learns nothing new, asks, and gets an ARP reply, a ping reply and a UDP echo.
        inject(PacketBuilder.ethernet(SERVER_MAC, MacAddress.BROADCAST).arp(1, SERVER_MAC, SERVER, MacAddress.ZERO, OFFERED).build());
        byte[] arpReply = sent().get(0);
        assertThat(Bytes.getU16(arpReply, 14 + 6)).isEqualTo(2);
        inject(PacketBuilder.ethernet(SERVER_MAC, CLIENT_MAC).ipv4(SERVER, OFFERED).icmpEcho(true, 1, 1).payload(8).build());
        byte[] pong = sent().get(0);
        assertThat(pong[IP]).isEqualTo((byte) 0);
        assertThat(Bytes.getI32(pong, 14 + 12)).isEqualTo(OFFERED.bits());
        inject(PacketBuilder.ethernet(SERVER_MAC, CLIENT_MAC).ipv4(SERVER, OFFERED).udp(5555, 7).payload(new byte[] {1, 2, 3}).build());
        byte[] echoed = sent().get(0);
        assertThat(Bytes.getI32(echoed, 14 + 12)).isEqualTo(OFFERED.bits());
        assertThat(Bytes.getU16(echoed, IP + 2)).isEqualTo(5555);
        assertThat(echo.echoed()).isEqualTo(1);
        assertThat(c.kernel.faults()).isEmpty();
    }

    @Test
    void aNakSendsTheClientBackToDiscoverAndAnUnconfiguredStackIgnoresUnicasts() {
        lab.steps.runUntil(MS);
        int xid = client.xid();
        sent();
        // Before it has an address the stack takes nothing but broadcasts (and answers no ARP).
        inject(PacketBuilder.ethernet(SERVER_MAC, CLIENT_MAC).ipv4(SERVER, OFFERED).udp(5555, 7).payload(4).build());
        inject(PacketBuilder.ethernet(SERVER_MAC, MacAddress.BROADCAST).arp(1, SERVER_MAC, SERVER, MacAddress.ZERO, Ipv4Address.ANY).build());
        assertThat(echo.echoed()).isZero();
        assertThat(c.stack.stats().ipNotForUs).isEqualTo(1);
        assertThat(sent()).isEmpty();

        inject(reply(2, xid, OFFERED));
        assertIsClientMessage(sent().get(0), 3, xid);
        inject(reply(6, xid, Ipv4Address.ANY));
        assertThat(client.state()).isEqualTo(DhcpClient.State.SELECTING);
        assertIsClientMessage(sent().get(0), 1, xid);
        assertThat(c.stack.configured()).isFalse();
    }
}
