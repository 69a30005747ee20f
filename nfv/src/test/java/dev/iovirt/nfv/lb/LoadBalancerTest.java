package dev.iovirt.nfv.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

class LoadBalancerTest {
    static final Ipv4Address VIP = Ipv4Address.of("10.0.0.100");
    static final Ipv4Address OWN = Ipv4Address.of("10.0.1.2");
    static final MacAddress LB0 = MacAddress.of("02:1b:00:00:00:00");
    static final MacAddress LB1 = MacAddress.of("02:1b:00:00:00:01");
    static final MacAddress CLIENT_MAC = MacAddress.of("02:c1:00:00:00:01");
    static final MacAddress GW_MAC = MacAddress.of("02:99:00:00:00:01");
    static final long SECOND = 1_000_000_000L;

    static Ipv4Address backendIp(int i) {
        return Ipv4Address.of(10, 0, 1, 10 + i);
    }

    static MacAddress backendMac(int i) {
        return MacAddress.of(0x02_bb_00_00_00_00L + i);
    }

    static LoadBalancerConfig config(int protocol, int backendPort, boolean macsKnown) {
        var backends = new ArrayList<Backend>();
        for (int i = 0; i < 4; i++) {
            backends.add(new Backend("web-" + i, backendIp(i), backendPort, macsKnown ? backendMac(i) : null, 1));
        }
        return LoadBalancerConfig.of(VIP, 80, protocol, backends, OWN, 24, LB0, LB1).withHealth(SECOND, 2, 3);
    }

    static Ipv4Address client(int i) {
        return Ipv4Address.of(0xC0A8_0000 + i); // 192.168.x.y
    }

    static byte[] syn(Ipv4Address client, int port, MacAddress dstMac) {
        return PacketBuilder.ethernet(CLIENT_MAC, dstMac).ipv4(client, VIP).tcp(port, 80, 0x02).seq(1000).payload(10).build();
    }

    static byte[] tcp(Ipv4Address client, int port, int flags) {
        return PacketBuilder.ethernet(CLIENT_MAC, LB0).ipv4(client, VIP).tcp(port, 80, flags).payload(10).build();
    }

    static byte[] backendReply(int b, int backendPort, Ipv4Address client, int port, int flags) {
        return PacketBuilder.ethernet(backendMac(b), CLIENT_MAC).ipv4(backendIp(b), client).tcp(backendPort, port, flags).payload(20).build();
    }

    @Test
    void spreadsAThousandConnectionsExactlyAsTheMaglevTablePredicts() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, true));
        var out = new Emitted();
        int[] table = Maglev.populate(List.of("web-0", "web-1", "web-2", "web-3"), Maglev.DEFAULT_SIZE);
        byte[] scratch = new byte[Maglev.FLOW_KEY_BYTES];
        int[] perBackend = new int[4];
        for (int i = 0; i < 1000; i++) {
            Ipv4Address c = client(i);
            int port = 10_000 + i;
            lb.process(0, syn(c, port, LB0), 0, syn(c, port, LB0).length, 0, out);
            int expected = table[Maglev.slot(Maglev.flowHash(c.bits(), VIP.bits(), port, 80, IpProtocol.TCP, scratch), table.length)];
            Emitted.Out o = out.single();
            FlowKey k = o.key();
            assertThat(o.port()).isEqualTo(1);
            assertThat(k.ipv4Dst()).isEqualTo(backendIp(expected).bits());
            assertThat(k.ethDst()).isEqualTo(backendMac(expected).bits());
            assertThat(k.ethSrc()).isEqualTo(CLIENT_MAC.bits());
            assertThat(k.ipv4Src()).isEqualTo(c.bits());
            assertThat(k.tpDst()).isEqualTo(80);
            assertThat(Emitted.checksumsValid(o.frame())).isTrue();
            perBackend[expected]++;
        }
        assertThat(lb.connections()).isEqualTo(1000);
        for (int b = 0; b < 4; b++) {
            BackendStatus s = lb.backend(b);
            assertThat(s.connections()).isEqualTo(perBackend[b]);
            assertThat(s.activeConnections()).isEqualTo(perBackend[b]);
            assertThat(s.packets()).isEqualTo(perBackend[b]);
            assertThat(perBackend[b]).isBetween(200, 300);
        }
    }

    @Test
    void repliesAreRestoredToTheVipWithValidChecksums() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 8080, true));
        var out = new Emitted();
        Ipv4Address c = client(7);
        byte[] s = syn(c, 40000, LB0);
        lb.process(0, s, 0, s.length, 0, out);
        FlowKey fwd = out.single().key();
        int b = lb.backendOf(c, 40000);
        assertThat(fwd.ipv4Dst()).isEqualTo(backendIp(b).bits());
        assertThat(fwd.tpDst()).isEqualTo(8080);

        byte[] r = backendReply(b, 8080, c, 40000, 0x12);
        lb.process(1, r, 0, r.length, 1, out);
        Emitted.Out o = out.single();
        FlowKey k = o.key();
        assertThat(o.port()).isEqualTo(0);
        assertThat(k.ipv4Src()).isEqualTo(VIP.bits());
        assertThat(k.tpSrc()).isEqualTo(80);
        assertThat(k.ipv4Dst()).isEqualTo(c.bits());
        assertThat(k.tpDst()).isEqualTo(40000);
        assertThat(k.tcpFlags()).isEqualTo(0x12);
        assertThat(Emitted.checksumsValid(o.frame())).isTrue();
        // Apart from the rewritten fields the frame is what the backend sent.
        byte[] expected = PacketBuilder.ethernet(backendMac(b), CLIENT_MAC).ipv4(VIP, c).tcp(80, 40000, 0x12).payload(20).build();
        assertThat(o.frame()).isEqualTo(expected);
    }

    @Test
    void udpFlowsAreBalancedAndRestoredAndExpireWhenIdle() {
        var lb = new LoadBalancer(config(IpProtocol.UDP, 5353, true));
        var out = new Emitted();
        Ipv4Address c = client(3);
        byte[] q = PacketBuilder.ethernet(CLIENT_MAC, LB0).ipv4(c, VIP).udp(5000, 80).payload(33).build();
        lb.process(0, q, 0, q.length, 0, out);
        Emitted.Out o = out.single();
        assertThat(Emitted.checksumsValid(o.frame())).isTrue();
        int b = lb.backendOf(c, 5000);
        assertThat(o.key().ipv4Dst()).isEqualTo(backendIp(b).bits());
        assertThat(o.key().tpDst()).isEqualTo(5353);
        byte[] a = PacketBuilder.ethernet(backendMac(b), CLIENT_MAC).ipv4(backendIp(b), c).udp(5353, 5000).payload(41).build();
        lb.process(1, a, 0, a.length, SECOND, out);
        o = out.single();
        assertThat(o.key().ipv4Src()).isEqualTo(VIP.bits());
        assertThat(o.key().tpSrc()).isEqualTo(80);
        assertThat(Emitted.checksumsValid(o.frame())).isTrue();

        lb.tick(SECOND + LoadBalancerConfig.DEFAULT_UDP_IDLE_NANOS - 1, out);
        assertThat(lb.connections()).isEqualTo(1);
        lb.tick(SECOND + LoadBalancerConfig.DEFAULT_UDP_IDLE_NANOS + SECOND, out);
        assertThat(lb.connections()).isZero();
        assertThat(lb.connectionsExpired()).isEqualTo(1);
        assertThat(lb.backend(b).activeConnections()).isZero();
    }

    /**
     * Backend 2 stops answering probes: after {@code fall} = 3 missed rounds it is down, the table
     * is rebuilt, its connections move to the rebuilt table's choice and every other connection
     * stays where it was. After {@code rise} = 2 answered rounds it is back.
     */
    @Test
    void aBackendFailingHealthChecksMovesOnlyItsOwnConnections() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, true));
        var out = new Emitted();
        Map<Integer, Integer> before = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            byte[] s = syn(client(i), 20_000 + i, LB0);
            lb.process(0, s, 0, s.length, 0, out);
            before.put(i, lb.backendOf(client(i), 20_000 + i));
        }
        out.take();
        long t = 0;
        for (int round = 0; round < 4; round++, t += SECOND) {
            lb.tick(t, out);
            answerProbes(lb, out, t, 2);
            assertThat(lb.backend(2).up()).isEqualTo(round < 3); // misses are counted when the next probe is due
        }
        assertThat(lb.tableRebuilds()).isEqualTo(2);
        assertThat(lb.backend(2).probeFailures()).isEqualTo(3);
        assertThat(lb.backend(2).tableEntries()).isZero();
        int movedCount = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] p = tcp(client(i), 20_000 + i, 0x10);
            lb.process(0, p, 0, p.length, t, out);
            int now = lb.backendOf(client(i), 20_000 + i);
            FlowKey k = out.single().key();
            assertThat(k.ipv4Dst()).isEqualTo(backendIp(now).bits());
            if (before.get(i) == 2) {
                assertThat(now).isNotEqualTo(2).isEqualTo(lb.backendForNewConnection(client(i), 20_000 + i));
                movedCount++;
            } else {
                assertThat(now).as("connection %d", i).isEqualTo(before.get(i));
            }
        }
        assertThat(movedCount).isPositive();
        assertThat(lb.connectionsMoved()).isEqualTo(movedCount);
        assertThat(lb.backend(2).activeConnections()).isZero();
        assertThat(lb.counters()).containsEntry("connections-moved", (long) movedCount)
                .containsEntry("backend-" + lb.backends().get(2).name() + "-up", 0L);

        // Answers again: up after two answered probes, and old connections stay where they moved.
        for (int round = 0; round < 3; round++, t += SECOND) {
            lb.tick(t, out);
            answerProbes(lb, out, t, -1);
        }
        lb.tick(t, out);
        assertThat(lb.backend(2).up()).isTrue();
        assertThat(lb.tableRebuilds()).isEqualTo(3);
        for (int i = 0; i < 1000; i++) {
            if (before.get(i) == 2) {
                assertThat(lb.backendOf(client(i), 20_000 + i)).isNotEqualTo(2);
            }
        }
    }

    /** Answers every echo probe in {@code out} except those to backend {@code silent}. */
    static void answerProbes(LoadBalancer lb, Emitted out, long t, int silent) {
        for (Emitted.Out o : out.take()) {
            FlowKey k = o.key();
            assertThat(o.port()).isEqualTo(1);
            assertThat(k.has(FlowKey.L_ICMP)).isTrue();
            assertThat(k.icmpType()).isEqualTo(8);
            assertThat(k.ipv4Src()).isEqualTo(OWN.bits());
            assertThat(Emitted.checksumsValid(o.frame())).isTrue();
            int b = (k.ipv4Dst() & 0xFF) - 10;
            assertThat(k.ethDst()).isEqualTo(backendMac(b).bits());
            if (b == silent) {
                continue;
            }
            int l4 = k.l4Offset();
            byte[] reply = PacketBuilder.ethernet(backendMac(b), LB1).ipv4(backendIp(b), OWN)
                    .icmpEcho(false, Bytes.getU16(o.frame(), l4 + 4), Bytes.getU16(o.frame(), l4 + 6)).payload(8).build();
            lb.process(1, reply, 0, reply.length, t, out);
        }
        assertThat(out.take()).isEmpty(); // replies to the LB are consumed
    }

    @Test
    void answersArpForTheVipAndLearnsBackendMacsByArp() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, false));
        var out = new Emitted();
        byte[] who = PacketBuilder.ethernet(CLIENT_MAC, MacAddress.BROADCAST)
                .arp(1, CLIENT_MAC, client(1), MacAddress.ZERO, VIP).build();
        lb.process(0, who, 0, who.length, 0, out);
        FlowKey a = out.single().key();
        assertThat(a.arpOp()).isEqualTo(2);
        assertThat(a.arpSha()).isEqualTo(LB0.bits());
        assertThat(a.arpSpa()).isEqualTo(VIP.bits());
        assertThat(a.ethDst()).isEqualTo(CLIENT_MAC.bits());

        // Other ARP passes through unchanged.
        byte[] other = PacketBuilder.ethernet(CLIENT_MAC, MacAddress.BROADCAST)
                .arp(1, CLIENT_MAC, client(1), MacAddress.ZERO, Ipv4Address.of("10.0.1.1")).build();
        lb.process(0, other, 0, other.length, 0, out);
        Emitted.Out passed = out.single();
        assertThat(passed.port()).isEqualTo(1);
        assertThat(passed.frame()).isEqualTo(other);

        // The first probe round has no MACs: ARP requests from the LB's own address.
        lb.tick(0, out);
        List<Emitted.Out> reqs = out.take();
        assertThat(reqs).hasSize(4).allSatisfy(o -> {
            FlowKey k = o.key();
            assertThat(k.arpOp()).isEqualTo(1);
            assertThat(k.arpSpa()).isEqualTo(OWN.bits());
            assertThat(k.arpSha()).isEqualTo(LB1.bits());
        });
        // A client frame to the LB's MAC for a backend with no MAC yet is dropped (ARP already asked).
        byte[] s = syn(client(1), 1234, LB0);
        lb.process(0, s, 0, s.length, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(lb.noMacDrops()).isEqualTo(1);
        int b = lb.backendOf(client(1), 1234);

        // The backend's ARP reply teaches its MAC and releases the waiting probe.
        byte[] isAt = PacketBuilder.ethernet(backendMac(b), LB1).arp(2, backendMac(b), backendIp(b), LB1, OWN).build();
        lb.process(1, isAt, 0, isAt.length, 1, out);
        FlowKey probe = out.single().key();
        assertThat(probe.icmpType()).isEqualTo(8);
        assertThat(probe.ethDst()).isEqualTo(backendMac(b).bits());
        lb.process(0, s, 0, s.length, 2, out);
        assertThat(out.single().key().ethDst()).isEqualTo(backendMac(b).bits());

        // A frame addressed to a gateway MAC (not the LB's) keeps its destination MAC.
        byte[] viaGw = syn(client(1), 1234, GW_MAC);
        lb.process(0, viaGw, 0, viaGw.length, 3, out);
        assertThat(out.single().key().ethDst()).isEqualTo(GW_MAC.bits());
    }

    @Test
    void tcpConnectionsEndOnRstAndAfterFinBothWays() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, true));
        var out = new Emitted();
        byte[] s = syn(client(1), 1111, LB0);
        lb.process(0, s, 0, s.length, 0, out);
        byte[] rst = tcp(client(1), 1111, 0x04);
        lb.process(0, rst, 0, rst.length, 1, out);
        assertThat(out.take()).hasSize(2);
        assertThat(lb.connections()).isZero();
        assertThat(lb.connectionsReset()).isEqualTo(1);

        byte[] s2 = syn(client(2), 2222, LB0);
        lb.process(0, s2, 0, s2.length, 0, out);
        int b = lb.backendOf(client(2), 2222);
        byte[] fin = tcp(client(2), 2222, 0x11);
        lb.process(0, fin, 0, fin.length, 1, out);
        byte[] finBack = backendReply(b, 80, client(2), 2222, 0x11);
        lb.process(1, finBack, 0, finBack.length, 2, out);
        assertThat(out.take()).hasSize(3);
        lb.tick(3 * SECOND, out);
        assertThat(lb.connections()).isEqualTo(1);
        lb.tick(2 + LoadBalancerConfig.DEFAULT_TCP_CLOSING_NANOS, out);
        assertThat(lb.connections()).isZero();
    }

    @Test
    void everythingElsePassesThroughUnchanged() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, true));
        var out = new Emitted();
        byte[][] frames = {
            PacketBuilder.ethernet(CLIENT_MAC, GW_MAC).ipv4(client(1), Ipv4Address.of("8.8.8.8")).udp(1, 53).build(),
            PacketBuilder.ethernet(CLIENT_MAC, LB0).ipv4(client(1), VIP).tcp(1, 443, 2).build(),
            PacketBuilder.ethernet(CLIENT_MAC, LB0).ipv4(client(1), VIP).udp(1, 80).build(),
            PacketBuilder.ethernet(CLIENT_MAC, LB0).ipv6(dev.iovirt.packet.Ipv6Address.of("2001:db8::1"),
                    dev.iovirt.packet.Ipv6Address.of("2001:db8::2")).udp(1, 80).build(),
        };
        for (byte[] f : frames) {
            lb.process(0, f, 0, f.length, 0, out);
            Emitted.Out o = out.single();
            assertThat(o.port()).isEqualTo(1);
            assertThat(o.frame()).isEqualTo(f);
        }
        byte[] fromBackend = backendReply(0, 80, client(9), 9999, 0x10); // no such connection
        lb.process(1, fromBackend, 0, fromBackend.length, 0, out);
        assertThat(out.single().frame()).isEqualTo(fromBackend);
        assertThat(lb.passedThrough()).isEqualTo(5);
    }

    @Test
    void malformedFramesAreDroppedAndCountedWithoutThrowing() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, true));
        var out = new Emitted();
        byte[] good = syn(client(1), 1, LB0);
        byte[] truncated = java.util.Arrays.copyOf(good, 40);
        byte[] badVersion = good.clone();
        badVersion[14] = 0x65;
        byte[] tiny = new byte[5];
        lb.process(0, truncated, 0, truncated.length, 0, out);
        lb.process(0, badVersion, 0, badVersion.length, 0, out);
        lb.process(1, tiny, 0, tiny.length, 0, out);
        lb.process(0, good, 10, 1000, 0, out); // bounds outside the array
        assertThat(out.take()).isEmpty();
        assertThat(lb.malformedDrops()).isEqualTo(4);
    }

    @Test
    void noBackendUpDropsNewConnections() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 0, true));
        var out = new Emitted();
        for (int b = 0; b < 4; b++) {
            lb.setBackendUp(b, false);
        }
        byte[] s = syn(client(1), 1, LB0);
        lb.process(0, s, 0, s.length, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(lb.noBackendDrops()).isEqualTo(1);
        assertThat(lb.table()).containsOnly(Maglev.NONE);
    }

    /** SYN probes to each backend's service port: SYN-ACK is up (and gets a RST), RST is a failure at once. */
    @Test
    void tcpSynProbesCountRefusedConnectionsAtOnce() {
        var lb = new LoadBalancer(config(IpProtocol.TCP, 8080, true).withProbe(HealthProbe.TCP_SYN));
        var out = new Emitted();
        for (int round = 0; round < 3; round++) {
            lb.tick(round * SECOND, out);
            List<Emitted.Out> syns = out.take();
            assertThat(syns).hasSize(4);
            for (Emitted.Out o : syns) {
                FlowKey k = o.key();
                assertThat(k.tcpFlags()).isEqualTo(0x02);
                assertThat(k.ipv4Src()).isEqualTo(OWN.bits());
                assertThat(k.tpDst()).isEqualTo(8080);
                assertThat(Emitted.checksumsValid(o.frame())).isTrue();
                int b = (k.ipv4Dst() & 0xFF) - 10;
                assertThat(k.tpSrc()).isEqualTo(LoadBalancer.PROBE_PORT_BASE + b);
                long isn = Bytes.getU32(o.frame(), k.l4Offset() + 4);
                int flags = b == 1 ? 0x14 : 0x12; // backend 1 refuses: RST|ACK
                byte[] answer = PacketBuilder.ethernet(backendMac(b), LB1).ipv4(backendIp(b), OWN)
                        .tcp(8080, k.tpSrc(), flags).seq(777).ack(isn + 1).build();
                lb.process(1, answer, 0, answer.length, round * SECOND + 1, out);
                if (b == 1) {
                    assertThat(out.take()).isEmpty();
                } else {
                    FlowKey rst = out.single().key();
                    assertThat(rst.tcpFlags()).isEqualTo(0x04);
                    assertThat(rst.tpDst()).isEqualTo(8080);
                    assertThat(rst.ipv4Dst()).isEqualTo(backendIp(b).bits());
                }
            }
        }
        assertThat(lb.backend(1).up()).isFalse(); // fall = 3 refusals, without waiting for a fourth interval
        assertThat(lb.backend(1).probeFailures()).isEqualTo(3);
        assertThat(lb.backend(0).up()).isTrue();
        assertThat(lb.backend(0).probeFailures()).isZero();
        assertThat(lb.tableRebuilds()).isEqualTo(2);
    }
}
