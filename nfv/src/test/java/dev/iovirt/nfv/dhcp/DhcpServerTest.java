package dev.iovirt.nfv.dhcp;

import static dev.iovirt.nfv.dhcp.DhcpServer.ACK;
import static dev.iovirt.nfv.dhcp.DhcpServer.DECLINE;
import static dev.iovirt.nfv.dhcp.DhcpServer.DISCOVER;
import static dev.iovirt.nfv.dhcp.DhcpServer.NAK;
import static dev.iovirt.nfv.dhcp.DhcpServer.OFFER;
import static dev.iovirt.nfv.dhcp.DhcpServer.RELEASE;
import static dev.iovirt.nfv.dhcp.DhcpServer.REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.iovirt.nfv.lb.Emitted;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

class DhcpServerTest {
    static final MacAddress SERVER_MAC = MacAddress.of("02:dc:00:00:00:01");
    static final Ipv4Address SERVER_IP = Ipv4Address.of("10.20.0.2");
    static final Ipv4Address ROUTER = Ipv4Address.of("10.20.0.1");
    static final Ipv4Address DNS = Ipv4Address.of("10.20.0.53");
    static final Ipv4Address ANY = Ipv4Address.ANY;
    static final long SECOND = 1_000_000_000L;
    static final int REQUESTED = 50;
    static final int SERVER_ID = 54;

    static MacAddress client(int i) {
        return MacAddress.of(0x02_00_5e_00_00_00L + i);
    }

    static DhcpServer server() {
        return new DhcpServer(DhcpServerConfig.of(SERVER_MAC, SERVER_IP, 24, ROUTER, List.of(DNS)));
    }

    static DhcpMessages.Reply send(DhcpServer s, Emitted out, long now, byte[] frame) {
        s.process(0, frame, 0, frame.length, now, out);
        Emitted.Out o = out.single();
        assertThat(o.port()).isZero();
        assertThat(Emitted.checksumsValid(o.frame())).isTrue();
        return DhcpMessages.parse(o.frame());
    }

    /** DISCOVER, OFFER, REQUEST, ACK: returns the acknowledged address. */
    static Ipv4Address dora(DhcpServer s, Emitted out, long now, MacAddress c) {
        var offer = send(s, out, now, DhcpMessages.request(c, 1, true, ANY, DISCOVER));
        assertThat(offer.type()).isEqualTo(OFFER);
        var ack = send(s, out, now, DhcpMessages.request(c, 2, true, ANY, REQUEST, REQUESTED, offer.yiaddr(), SERVER_ID, SERVER_IP));
        assertThat(ack.type()).isEqualTo(ACK);
        assertThat(ack.yiaddr()).isEqualTo(offer.yiaddr());
        return ack.yiaddr();
    }

    @Test
    void fullDoraWithEveryOptionChecked() {
        DhcpServer s = server();
        var out = new Emitted();
        MacAddress c = client(1);
        var offer = send(s, out, 0, DhcpMessages.request(c, 0x1234_5678, true, ANY, DISCOVER));
        // §4.1: no address yet and the broadcast bit set: broadcast at IP and Ethernet.
        FlowKey k = offer.key();
        assertThat(k.ethDst()).isEqualTo(MacAddress.BROADCAST.bits());
        assertThat(k.ethSrc()).isEqualTo(SERVER_MAC.bits());
        assertThat(k.ipv4Dst()).isEqualTo(-1);
        assertThat(k.ipv4Src()).isEqualTo(SERVER_IP.bits());
        assertThat(k.tpSrc()).isEqualTo(67);
        assertThat(k.tpDst()).isEqualTo(68);
        assertThat(offer.op()).isEqualTo(2);
        assertThat(offer.xid()).isEqualTo(0x1234_5678);
        assertThat(offer.flags()).isEqualTo(0x8000);
        assertThat(offer.chaddr()).isEqualTo(c);
        assertThat(offer.ciaddr()).isEqualTo(ANY);
        assertThat(offer.yiaddr().isIn(SERVER_IP, 24)).isTrue();
        assertThat(offer.yiaddr()).isNotIn(SERVER_IP, ROUTER, Ipv4Address.of("10.20.0.0"), Ipv4Address.of("10.20.0.255"));
        assertThat(offer.options()).containsOnlyKeys(53, 54, 51, 58, 59, 1, 3, 6);
        assertThat(offer.type()).isEqualTo(OFFER);
        assertThat(offer.ip(54)).isEqualTo(SERVER_IP);
        assertThat(offer.u32(51)).isEqualTo(3600);
        assertThat(offer.u32(58)).isEqualTo(1800);
        assertThat(offer.u32(59)).isEqualTo(3150);
        assertThat(offer.ip(1)).isEqualTo(Ipv4Address.of("255.255.255.0"));
        assertThat(offer.ip(3)).isEqualTo(ROUTER);
        assertThat(offer.ip(6)).isEqualTo(DNS);
        assertThat(offer.length()).isGreaterThanOrEqualTo(300);
        assertThat(s.leaseOf(c).state()).isEqualTo(DhcpLease.State.OFFERED);

        var ack = send(s, out, SECOND, DhcpMessages.request(c, 0x1234_5679, true, ANY, REQUEST,
                REQUESTED, offer.yiaddr(), SERVER_ID, SERVER_IP));
        assertThat(ack.type()).isEqualTo(ACK);
        assertThat(ack.xid()).isEqualTo(0x1234_5679);
        assertThat(ack.yiaddr()).isEqualTo(offer.yiaddr());
        assertThat(ack.options()).containsOnlyKeys(53, 54, 51, 58, 59, 1, 3, 6);
        assertThat(ack.u32(51)).isEqualTo(3600);
        assertThat(ack.key().ipv4Dst()).isEqualTo(-1);
        DhcpLease lease = s.leaseOf(c);
        assertThat(lease.state()).isEqualTo(DhcpLease.State.BOUND);
        assertThat(lease.address()).isEqualTo(offer.yiaddr());
        assertThat(lease.expiresAtNanos()).isEqualTo(SECOND + 3600 * SECOND);
        assertThat(s.acks()).isEqualTo(1);
        assertThat(s.offers()).isEqualTo(1);
        assertThat(s.counters()).containsEntry("acks", 1L).containsEntry("offers", 1L).containsEntry("leases", 1L);
    }

    @Test
    void repliesUnicastToYiaddrWithoutTheBroadcastBitAndToCiaddrWhenRenewing() {
        DhcpServer s = server();
        var out = new Emitted();
        MacAddress c = client(2);
        var offer = send(s, out, 0, DhcpMessages.request(c, 5, false, ANY, DISCOVER));
        assertThat(offer.key().ethDst()).isEqualTo(c.bits());
        assertThat(offer.key().ipv4Dst()).isEqualTo(offer.yiaddr().bits());
        send(s, out, 0, DhcpMessages.request(c, 6, false, ANY, REQUEST, REQUESTED, offer.yiaddr(), SERVER_ID, SERVER_IP));
        // RENEWING (§4.3.2): ciaddr set, no options 50 or 54; unicast back to ciaddr.
        var renew = send(s, out, 1800 * SECOND, DhcpMessages.request(c, 7, false, offer.yiaddr(), REQUEST));
        assertThat(renew.type()).isEqualTo(ACK);
        assertThat(renew.ciaddr()).isEqualTo(offer.yiaddr());
        assertThat(renew.key().ipv4Dst()).isEqualTo(offer.yiaddr().bits());
        assertThat(renew.key().ethDst()).isEqualTo(c.bits());
        assertThat(s.leaseOf(c).expiresAtNanos()).isEqualTo(1800 * SECOND + 3600 * SECOND);
    }

    @Test
    void twoClientsGetDifferentAddressesAndAClientGetsItsAddressAgain() {
        DhcpServer s = server();
        var out = new Emitted();
        Ipv4Address a = dora(s, out, 0, client(1));
        Ipv4Address b = dora(s, out, 0, client(2));
        assertThat(a).isNotEqualTo(b);
        // Asking again while bound: the same address.
        assertThat(dora(s, out, SECOND, client(1))).isEqualTo(a);
        // After a RELEASE, and after the lease expired, the client still gets its address back.
        s.process(0, DhcpMessages.request(client(1), 9, false, a, RELEASE, SERVER_ID, SERVER_IP), 0, 300 + 42, 2 * SECOND, out);
        assertThat(out.take()).isEmpty();
        assertThat(s.leaseOf(client(1)).state()).isEqualTo(DhcpLease.State.FREE);
        Ipv4Address c = dora(s, out, 3 * SECOND, client(3));
        assertThat(c).isNotIn(a, b); // a new client takes a never-used address before a freed one
        assertThat(dora(s, out, 4 * SECOND, client(1))).isEqualTo(a);
        s.tick(4 * SECOND + 3601 * SECOND, out);
        assertThat(s.leaseOf(client(2)).state()).isEqualTo(DhcpLease.State.FREE);
        assertThat(dora(s, out, 4000 * SECOND, client(2))).isEqualTo(b);
    }

    @Test
    void naksAForeignOrTakenAddressAndAWrongSelection() {
        DhcpServer s = server();
        var out = new Emitted();
        Ipv4Address a = dora(s, out, 0, client(1));
        // INIT-REBOOT for an address from another network.
        var nak = send(s, out, 0, DhcpMessages.request(client(2), 3, false, ANY, REQUEST, REQUESTED, Ipv4Address.of("192.168.1.50")));
        assertThat(nak.type()).isEqualTo(NAK);
        assertThat(nak.options()).containsOnlyKeys(53, 54);
        assertThat(nak.ip(54)).isEqualTo(SERVER_IP);
        assertThat(nak.yiaddr()).isEqualTo(ANY);
        assertThat(nak.key().ipv4Dst()).isEqualTo(-1); // §4.1: NAKs are broadcast
        assertThat(nak.key().ethDst()).isEqualTo(MacAddress.BROADCAST.bits());
        // INIT-REBOOT for an address another client holds.
        assertThat(send(s, out, 0, DhcpMessages.request(client(2), 4, false, ANY, REQUEST, REQUESTED, a)).type()).isEqualTo(NAK);
        // SELECTING with our server id but an address we did not offer.
        send(s, out, 0, DhcpMessages.request(client(3), 5, true, ANY, DISCOVER));
        var wrong = send(s, out, 0, DhcpMessages.request(client(3), 6, true, ANY, REQUEST,
                REQUESTED, Ipv4Address.of("10.20.0.200"), SERVER_ID, SERVER_IP));
        assertThat(wrong.type()).isEqualTo(NAK);
        assertThat(s.naks()).isEqualTo(3);
    }

    @Test
    void choosingAnotherServerVoidsTheOffer() {
        DhcpServer s = server();
        var out = new Emitted();
        var offer = send(s, out, 0, DhcpMessages.request(client(4), 1, true, ANY, DISCOVER));
        s.process(0, DhcpMessages.request(client(4), 2, true, ANY, REQUEST, REQUESTED, Ipv4Address.of("10.20.0.99"),
                SERVER_ID, Ipv4Address.of("10.20.0.3")), 0, 342, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(s.leaseOf(client(4)).state()).isEqualTo(DhcpLease.State.FREE);
        assertThat(s.leaseOf(client(4)).address()).isEqualTo(offer.yiaddr());
    }

    @Test
    void poolExhaustionLeavesDiscoversUnansweredUntilAnAddressIsFree() {
        // 10.9.0.0/29: hosts .1-.6, minus the server (.1) and the router (.6): four addresses.
        var s = new DhcpServer(DhcpServerConfig.of(SERVER_MAC, Ipv4Address.of("10.9.0.1"), 29, Ipv4Address.of("10.9.0.6"), List.of()));
        var out = new Emitted();
        assertThat(s.poolSize()).isEqualTo(4);
        var got = new HashSet<Ipv4Address>();
        for (int i = 0; i < 4; i++) {
            var offer = send(s, out, 0, DhcpMessages.request(client(i), i, true, ANY, DISCOVER));
            got.add(offer.yiaddr());
            assertThat(offer.options()).containsKey(3).doesNotContainKey(6); // a router, no DNS servers
        }
        assertThat(got).containsExactlyInAnyOrder(Ipv4Address.of("10.9.0.2"), Ipv4Address.of("10.9.0.3"),
                Ipv4Address.of("10.9.0.4"), Ipv4Address.of("10.9.0.5"));
        s.process(0, DhcpMessages.request(client(9), 9, true, ANY, DISCOVER), 0, 342, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(s.poolExhausted()).isEqualTo(1);
        // The offers' hold ends: client 9 gets an address now.
        s.tick(DhcpServerConfig.DEFAULT_OFFER_HOLD_NANOS + SECOND, out);
        var late = send(s, out, DhcpServerConfig.DEFAULT_OFFER_HOLD_NANOS + 2 * SECOND, DhcpMessages.request(client(9), 10, true, ANY, DISCOVER));
        assertThat(late.type()).isEqualTo(OFFER);
        assertThat(got).contains(late.yiaddr());
    }

    @Test
    void aDeclinedAddressIsQuarantinedForALeaseTime() {
        DhcpServer s = server();
        var out = new Emitted();
        Ipv4Address a = dora(s, out, 0, client(1));
        s.process(0, DhcpMessages.request(client(1), 3, true, ANY, DECLINE, REQUESTED, a, SERVER_ID, SERVER_IP), 0, 342, 0, out);
        assertThat(out.take()).isEmpty();
        assertThat(s.leases()).anySatisfy(l -> {
            assertThat(l.address()).isEqualTo(a);
            assertThat(l.state()).isEqualTo(DhcpLease.State.DECLINED);
        });
        Ipv4Address next = dora(s, out, SECOND, client(1));
        assertThat(next).isNotEqualTo(a);
        s.tick(3602 * SECOND, out);
        assertThat(s.leases()).noneSatisfy(l -> assertThat(l.address()).isEqualTo(a));
    }

    @Test
    void answersArpForItsAddressAndDropsMalformedMessages() {
        DhcpServer s = server();
        var out = new Emitted();
        byte[] who = PacketBuilder.ethernet(client(1), MacAddress.BROADCAST).arp(1, client(1), Ipv4Address.of("10.20.0.77"), MacAddress.ZERO, SERVER_IP).build();
        s.process(0, who, 0, who.length, 0, out);
        FlowKey k = out.single().key();
        assertThat(k.arpOp()).isEqualTo(2);
        assertThat(k.arpSha()).isEqualTo(SERVER_MAC.bits());
        assertThat(k.arpSpa()).isEqualTo(SERVER_IP.bits());

        byte[] good = DhcpMessages.request(client(1), 1, true, ANY, DISCOVER);
        byte[] badCookie = good.clone();
        badCookie[42 + 236] = 0;
        byte[] badOption = good.clone();
        badOption[42 + 240 + 3] = 50;  // option 50 claiming 255 bytes past the end
        badOption[42 + 240 + 4] = (byte) 255;
        byte[] shortMessage = PacketBuilder.ethernet(client(1), MacAddress.BROADCAST).ipv4(ANY, Ipv4Address.BROADCAST).udp(68, 67).payload(100).build();
        for (byte[] f : new byte[][] {badCookie, badOption, shortMessage, new byte[3]}) {
            s.process(0, f, 0, f.length, 0, out);
        }
        assertThat(out.take()).isEmpty();
        assertThat(s.malformedDrops()).isEqualTo(4);
    }

    /** §4.1: with giaddr set the reply goes to the relay agent's address, server port 67, relay's MAC. */
    @Test
    void repliesGoToTheRelayAgent() {
        DhcpServer s = server();
        var out = new Emitted();
        MacAddress relay = MacAddress.of("02:4e:00:00:00:01");
        Ipv4Address relayIp = Ipv4Address.of("10.20.0.254");
        byte[] f = DhcpMessages.request(client(5), 1, false, ANY, DISCOVER);
        relay.write(f, 6);                       // the relay sent it
        relayIp.write(f, 42 + 24);               // giaddr
        byte[] relayed = PacketBuilder.ethernet(relay, SERVER_MAC).ipv4(relayIp, SERVER_IP).udp(67, 67)
                .payload(java.util.Arrays.copyOfRange(f, 42, f.length)).build();
        var offer = send(s, out, 0, relayed);
        assertThat(offer.type()).isEqualTo(OFFER);
        assertThat(offer.giaddr()).isEqualTo(relayIp);
        assertThat(offer.key().ipv4Dst()).isEqualTo(relayIp.bits());
        assertThat(offer.key().tpDst()).isEqualTo(67);
        assertThat(offer.key().ethDst()).isEqualTo(relay.bits());
    }
}
