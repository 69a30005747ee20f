package dev.iovirt.nfv.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.iovirt.nfv.lb.Emitted;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

class RouterTest {
    static final MacAddress R0 = MacAddress.of("02:50:00:00:00:00");
    static final MacAddress R1 = MacAddress.of("02:50:00:00:00:01");
    static final MacAddress R2 = MacAddress.of("02:50:00:00:00:02");
    static final Ipv4Address R0_IP = Ipv4Address.of("10.0.0.1");
    static final Ipv4Address R1_IP = Ipv4Address.of("10.1.0.1");
    static final Ipv4Address R2_IP = Ipv4Address.of("192.168.0.1");
    static final MacAddress HOST_A = MacAddress.of("02:aa:00:00:00:01");
    static final Ipv4Address HOST_A_IP = Ipv4Address.of("10.0.0.10");
    static final MacAddress HOST_B = MacAddress.of("02:bb:00:00:00:01");
    static final Ipv4Address HOST_B_IP = Ipv4Address.of("10.1.0.20");
    static final Ipv4Address GW_X = Ipv4Address.of("10.1.0.2");   // next hop for 172.16.0.0/12
    static final Ipv4Address GW_Y = Ipv4Address.of("192.168.0.2"); // next hop for 172.16.5.0/24
    static final Ipv4Address GW_D = Ipv4Address.of("10.1.0.254"); // default
    static final MacAddress GW_Y_MAC = MacAddress.of("02:cc:00:00:00:02");
    static final long SECOND = 1_000_000_000L;

    static Router router(boolean withDefault) {
        var ifs = List.of(
                new RouterInterface(0, R0, R0_IP, 24),
                new RouterInterface(1, R1, R1_IP, 16),
                new RouterInterface(2, R2, R2_IP, 24));
        var routes = new java.util.ArrayList<>(List.of(
                new StaticRoute(Ipv4Address.of("172.16.0.0"), 12, GW_X),
                new StaticRoute(Ipv4Address.of("172.16.5.0"), 24, GW_Y)));
        if (withDefault) {
            routes.add(new StaticRoute(Ipv4Address.ANY, 0, GW_D));
        }
        return new Router(RouterConfig.of(ifs, routes));
    }

    static byte[] udpFromA(Ipv4Address dst, int ttl) {
        return PacketBuilder.ethernet(HOST_A, R0).ipv4(HOST_A_IP, dst).ttl(ttl).udp(1000, 2000).payload(30).build();
    }

    static void learn(Router r, int port, MacAddress mac, Ipv4Address ip, MacAddress routerMac, Ipv4Address routerIp, Emitted out) {
        byte[] req = PacketBuilder.ethernet(mac, MacAddress.BROADCAST).arp(1, mac, ip, MacAddress.ZERO, routerIp).build();
        r.process(port, req, 0, req.length, 0, out);
        FlowKey k = out.single().key();
        assertThat(k.arpOp()).isEqualTo(2);
        assertThat(k.arpSha()).isEqualTo(routerMac.bits());
        assertThat(k.arpSpa()).isEqualTo(routerIp.bits());
        assertThat(k.arpTpa()).isEqualTo(ip.bits());
        assertThat(k.ethDst()).isEqualTo(mac.bits());
    }

    @Test
    void longestPrefixWins() {
        Router r = router(true);
        assertThat(r.nextHop(Ipv4Address.of("172.16.5.9"))).isEqualTo(GW_Y);
        assertThat(r.outputPort(Ipv4Address.of("172.16.5.9"))).isEqualTo(2);
        assertThat(r.nextHop(Ipv4Address.of("172.16.6.9"))).isEqualTo(GW_X);
        assertThat(r.nextHop(Ipv4Address.of("172.31.255.255"))).isEqualTo(GW_X);
        assertThat(r.nextHop(Ipv4Address.of("172.32.0.1"))).isEqualTo(GW_D);
        assertThat(r.nextHop(Ipv4Address.of("10.1.200.3"))).isEqualTo(Ipv4Address.of("10.1.200.3")); // connected /16
        assertThat(r.outputPort(Ipv4Address.of("10.1.200.3"))).isEqualTo(1);
        assertThat(r.nextHop(Ipv4Address.of("8.8.8.8"))).isEqualTo(GW_D);
        assertThat(r.nextHop(R1_IP)).isNull(); // our own
        assertThat(router(false).nextHop(Ipv4Address.of("8.8.8.8"))).isNull();
    }

    @Test
    void forwardsWithTtlDecrementedAndChecksumUpdated() {
        Router r = router(true);
        var out = new Emitted();
        learn(r, 1, HOST_B, HOST_B_IP, R1, R1_IP, out);
        byte[] f = udpFromA(HOST_B_IP, 64);
        r.process(0, f, 0, f.length, 0, out);
        Emitted.Out o = out.single();
        FlowKey k = o.key();
        assertThat(o.port()).isEqualTo(1);
        assertThat(k.ipTtl()).isEqualTo(63);
        assertThat(k.ethSrc()).isEqualTo(R1.bits());
        assertThat(k.ethDst()).isEqualTo(HOST_B.bits());
        assertThat(Emitted.checksumsValid(o.frame())).isTrue();
        byte[] expected = PacketBuilder.ethernet(R1, HOST_B).ipv4(HOST_A_IP, HOST_B_IP).ttl(63).udp(1000, 2000).payload(30).build();
        assertThat(o.frame()).isEqualTo(expected);
        assertThat(r.forwarded()).isEqualTo(1);
        assertThat(r.counters()).containsEntry("forwarded", 1L).containsEntry("arp-replies-sent", 1L);
    }

    @Test
    void aStaticNeighbourIsUsedWithoutArpAndArpCannotChangeIt() {
        var ifs = List.of(new RouterInterface(0, R0, R0_IP, 24), new RouterInterface(1, R1, R1_IP, 16));
        Router r = new Router(RouterConfig.of(ifs, List.of()).withNeighbours(List.of(new RouterConfig.Neighbour(HOST_B_IP, HOST_B))));
        var out = new Emitted();
        byte[] f = udpFromA(HOST_B_IP, 64);
        r.process(0, f, 0, f.length, 0, out);
        assertThat(out.single().key().ethDst()).isEqualTo(HOST_B.bits()); // no ARP request first
        assertThat(r.arpRequestsSent()).isZero();
        MacAddress impostor = MacAddress.of("02:66:00:00:00:01");
        byte[] claim = PacketBuilder.ethernet(impostor, MacAddress.BROADCAST).arp(1, impostor, HOST_B_IP, MacAddress.ZERO, R1_IP).build();
        r.process(1, claim, 0, claim.length, 0, out);
        out.single(); // the request for the router's address is still answered
        f = udpFromA(HOST_B_IP, 64); // forwarding rewrote the first in place
        r.process(0, f, 0, f.length, 365L * 24 * 3600 * SECOND, out); // a year later: still there
        assertThat(out.single().key().ethDst()).isEqualTo(HOST_B.bits());
    }

    @Test
    void ttlDecrementChecksumMatchesAFullRecomputationForEveryTtl() {
        Router r = router(true);
        var out = new Emitted();
        learn(r, 1, HOST_B, HOST_B_IP, R1, R1_IP, out);
        for (int ttl = 2; ttl <= 255; ttl++) {
            for (int id : new int[] {0, 0x1234, 0xFFFF, 0xFEFF}) {
                byte[] f = PacketBuilder.ethernet(HOST_A, R0).ipv4(HOST_A_IP, HOST_B_IP).ttl(ttl).ipId(id).udp(1, 2).build();
                r.process(0, f, 0, f.length, 0, out);
                byte[] o = out.single().frame();
                assertThat(Checksums.internet(o, 14, 20)).isZero();
                byte[] full = PacketBuilder.ethernet(R1, HOST_B).ipv4(HOST_A_IP, HOST_B_IP).ttl(ttl - 1).ipId(id).udp(1, 2).build();
                assertThat(Bytes.getU16(o, 24)).isEqualTo(Bytes.getU16(full, 24));
            }
        }
    }

    @Test
    void expiredTtlGetsTimeExceededQuotingHeaderAndEightBytes() {
        Router r = router(true);
        var out = new Emitted();
        byte[] f = udpFromA(HOST_B_IP, 1);
        r.process(0, f, 0, f.length, 0, out);
        Emitted.Out o = out.single();
        assertIcmpError(o, 0, 11, 0, f);
        assertThat(r.ttlExceeded()).isEqualTo(1);
    }

    @Test
    void noRouteGetsNetUnreachable() {
        Router r = router(false);
        var out = new Emitted();
        byte[] f = udpFromA(Ipv4Address.of("8.8.8.8"), 64);
        r.process(0, f, 0, f.length, 0, out);
        assertIcmpError(out.single(), 0, 3, 0, f);
        assertThat(r.noRoute()).isEqualTo(1);
    }

    /** Field by field: MACs, IP header (src = ingress interface, TTL 64, protocol 1), ICMP type, code, unused word, quote. */
    static void assertIcmpError(Emitted.Out o, int port, int type, int code, byte[] offending) {
        assertThat(o.port()).isEqualTo(port);
        FlowKey k = o.key();
        assertThat(k.ethDst()).isEqualTo(HOST_A.bits());
        assertThat(k.ethSrc()).isEqualTo(R0.bits());
        assertThat(k.ipv4Src()).isEqualTo(R0_IP.bits());
        assertThat(k.ipv4Dst()).isEqualTo(HOST_A_IP.bits());
        assertThat(k.ipProto()).isEqualTo(IpProtocol.ICMP);
        assertThat(k.ipTtl()).isEqualTo(64);
        assertThat(k.icmpType()).isEqualTo(type);
        assertThat(k.icmpCode()).isEqualTo(code);
        byte[] f = o.frame();
        int l4 = k.l4Offset();
        assertThat(Bytes.getI32(f, l4 + 4)).isZero(); // unused (RFC 792)
        byte[] quote = Arrays.copyOfRange(f, l4 + 8, l4 + 8 + 28);
        assertThat(quote).isEqualTo(Arrays.copyOfRange(offending, 14, 14 + 28)); // as received, TTL included
        assertThat(k.l3Length()).isEqualTo(20 + 8 + 28);
        assertThat(Emitted.checksumsValid(f)).isTrue();
    }

    @Test
    void noIcmpErrorAboutAnIcmpErrorOrALaterFragment() {
        Router r = router(false);
        var out = new Emitted();
        byte[] err = PacketBuilder.ethernet(HOST_A, R0).ipv4(HOST_A_IP, Ipv4Address.of("8.8.8.8")).icmp(3, 1, 0).payload(28).build();
        byte[] frag = PacketBuilder.ethernet(HOST_A, R0).ipv4(HOST_A_IP, Ipv4Address.of("8.8.8.8")).fragment(64, false).ipProtocol(17).payload(20).build();
        byte[] ping = PacketBuilder.ethernet(HOST_A, R0).ipv4(HOST_A_IP, Ipv4Address.of("8.8.8.8")).icmpEcho(true, 1, 1).build();
        r.process(0, err, 0, err.length, 0, out);
        r.process(0, frag, 0, frag.length, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(r.icmpErrorsSuppressed()).isEqualTo(2);
        r.process(0, ping, 0, ping.length, 0, out); // an echo request is a query, not an error: it gets one
        assertThat(out.single().key().icmpType()).isEqualTo(3);
    }

    @Test
    void resolvesNextHopByArpWithAPendingQueueThenForwards() {
        Router r = router(true);
        var out = new Emitted();
        byte[] f1 = udpFromA(Ipv4Address.of("172.16.5.77"), 10);
        byte[] f2 = udpFromA(Ipv4Address.of("172.16.5.78"), 20);
        r.process(0, f1, 0, f1.length, 0, out);
        r.process(0, f2, 0, f2.length, 1, out);
        Emitted.Out req = out.single(); // one request for the shared next hop
        FlowKey k = req.key();
        assertThat(req.port()).isEqualTo(2);
        assertThat(k.arpOp()).isEqualTo(1);
        assertThat(k.arpSpa()).isEqualTo(R2_IP.bits());
        assertThat(k.arpSha()).isEqualTo(R2.bits());
        assertThat(k.arpTpa()).isEqualTo(GW_Y.bits());
        assertThat(k.ethDst()).isEqualTo(MacAddress.BROADCAST.bits());
        assertThat(r.pendingPackets()).isEqualTo(2);

        r.tick(SECOND, out); // no answer yet: retried
        assertThat(out.single().key().arpTpa()).isEqualTo(GW_Y.bits());

        byte[] reply = PacketBuilder.ethernet(GW_Y_MAC, R2).arp(2, GW_Y_MAC, GW_Y, R2, R2_IP).build();
        r.process(2, reply, 0, reply.length, SECOND + 5, out);
        List<Emitted.Out> sent = out.take();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).key().ipv4Dst()).isEqualTo(Ipv4Address.of("172.16.5.77").bits());
        assertThat(sent.get(0).key().ipTtl()).isEqualTo(9);
        assertThat(sent.get(1).key().ipTtl()).isEqualTo(19);
        assertThat(sent).allSatisfy(o -> {
            assertThat(o.port()).isEqualTo(2);
            assertThat(o.key().ethDst()).isEqualTo(GW_Y_MAC.bits());
            assertThat(o.key().ethSrc()).isEqualTo(R2.bits());
            assertThat(Emitted.checksumsValid(o.frame())).isTrue();
        });
        assertThat(r.pendingPackets()).isZero();
        assertThat(r.neighbour(GW_Y, SECOND + 5)).isEqualTo(GW_Y_MAC);

        // Cached: the next packet goes straight out; after the timeout it is resolved again.
        r.process(0, f1, 0, f1.length, 2 * SECOND, out);
        assertThat(out.single().key().has(FlowKey.L_UDP)).isTrue();
        long later = SECOND + 5 + RouterConfig.DEFAULT_ARP_TIMEOUT_NANOS;
        assertThat(r.neighbour(GW_Y, later)).isNull();
        byte[] f3 = udpFromA(Ipv4Address.of("172.16.5.79"), 10);
        r.process(0, f3, 0, f3.length, later, out);
        assertThat(out.single().key().has(FlowKey.L_ARP)).isTrue();
    }

    @Test
    void unansweredArpGivesHostUnreachableForEachQueuedPacketAndQueueDropsOldest() {
        Router r = router(true);
        var out = new Emitted();
        byte[][] frames = new byte[5][];
        for (int i = 0; i < 5; i++) {
            frames[i] = udpFromA(Ipv4Address.of(10, 1, 9, i), 64);
            r.process(0, frames[i], 0, frames[i].length, 0, out);
        }
        assertThat(out.take()).hasSize(5); // five next hops, one request each
        byte[] again = udpFromA(Ipv4Address.of(10, 1, 9, 0), 33);
        for (int i = 0; i < RouterConfig.DEFAULT_PENDING; i++) {
            r.process(0, again, 0, again.length, 0, out);
        }
        assertThat(r.pendingDrops()).isEqualTo(1); // one more than the limit: the oldest went
        r.tick(SECOND, out);
        assertThat(out.take()).hasSize(5);
        r.tick(2 * SECOND, out);
        assertThat(out.take()).hasSize(5);
        r.tick(3 * SECOND, out); // three requests unanswered: give up
        List<Emitted.Out> errors = out.take();
        assertThat(errors).hasSize(4 + RouterConfig.DEFAULT_PENDING);
        assertIcmpError(errors.get(errors.size() - 1), 0, 3, 1, frames[4]);
        assertThat(r.hostUnreachable()).isEqualTo(4 + RouterConfig.DEFAULT_PENDING);
        assertThat(r.pendingPackets()).isZero();
    }

    @Test
    void answersPingToItsOwnAddressesAndArpForThem() {
        Router r = router(true);
        var out = new Emitted();
        learn(r, 0, HOST_A, HOST_A_IP, R0, R0_IP, out);
        byte[] ping = PacketBuilder.ethernet(HOST_A, R0).ipv4(HOST_A_IP, R2_IP).ttl(5).icmpEcho(true, 77, 3).payload(56).build();
        r.process(0, ping, 0, ping.length, 0, out);
        Emitted.Out o = out.single();
        byte[] expected = PacketBuilder.ethernet(R0, HOST_A).ipv4(R2_IP, HOST_A_IP).ttl(64).icmpEcho(false, 77, 3).payload(56).build();
        assertThat(o.port()).isEqualTo(0);
        assertThat(o.frame()).isEqualTo(expected);
        assertThat(Emitted.checksumsValid(o.frame())).isTrue();
    }

    @Test
    void dropsWhatIsNotForItAndMalformedFrames() {
        Router r = router(true);
        var out = new Emitted();
        byte[] other = PacketBuilder.ethernet(HOST_A, HOST_B).ipv4(HOST_A_IP, HOST_B_IP).udp(1, 2).build();
        byte[] badCk = udpFromA(HOST_B_IP, 64);
        badCk[24] ^= 0x55;
        byte[] truncated = Arrays.copyOf(udpFromA(HOST_B_IP, 64), 30);
        r.process(0, other, 0, other.length, 0, out);
        r.process(0, badCk, 0, badCk.length, 0, out);
        r.process(0, truncated, 0, truncated.length, 0, out);
        r.process(7, other, 0, other.length, 0, out);
        r.process(0, other, 50, 100, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(r.notForUsDrops()).isEqualTo(1);
        assertThat(r.badChecksumDrops()).isEqualTo(1);
        assertThat(r.malformedDrops()).isEqualTo(3);
    }

    @Test
    void doesNotForwardBroadcastMulticastOrDirectedBroadcast() {
        Router r = router(true);
        var out = new Emitted();
        for (String dst : new String[] {"255.255.255.255", "224.0.0.5", "239.1.2.3", "10.1.255.255"}) {
            byte[] f = udpFromA(Ipv4Address.of(dst), 64);
            r.process(0, f, 0, f.length, 0, out);
        }
        assertThat(out.take()).isEmpty();
        assertThat(r.localDrops()).isEqualTo(4);
        assertThat(r.forwarded()).isZero();
    }
}
