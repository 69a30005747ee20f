package dev.iovirt.nfv.conntrack;

import static dev.iovirt.nfv.conntrack.Ipv4Packet.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import org.junit.jupiter.api.Test;

class ConnectionTrackerTest {
    static final long S = 1_000_000_000L;
    static final MacAddress MAC_C = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress MAC_S = MacAddress.of("02:00:00:00:00:02");
    static final Ipv4Address CLIENT = Ipv4Address.of("10.0.0.1");
    static final Ipv4Address SERVER = Ipv4Address.of("10.0.0.2");

    final ConnectionTracker tracker = new ConnectionTracker(64, Timeouts.linuxDefaults());
    final Ipv4Packet p = new Ipv4Packet();

    private Ipv4Packet tcp(boolean fromClient, int flags) {
        byte[] f = fromClient
                ? PacketBuilder.ethernet(MAC_C, MAC_S).ipv4(CLIENT, SERVER).tcp(40000, 80, flags).build()
                : PacketBuilder.ethernet(MAC_S, MAC_C).ipv4(SERVER, CLIENT).tcp(80, 40000, flags).build();
        assertEquals(Kind.IPV4, p.parse(f, 0, f.length));
        return p;
    }

    private int apply(boolean fromClient, int flags, long now) {
        Ipv4Packet q = tcp(fromClient, flags);
        int h = tracker.lookup(q, now);
        assertTrue(h >= 0, "no connection");
        return tracker.update(h, q, now);
    }

    private TcpState state() {
        int h = tracker.lookup(tcp(true, TCP_ACK), 0);
        return tracker.tcpState(h >>> 1);
    }

    @Test
    void tcpWalksTheLinuxStatesFromHandshakeToTimeWait() {
        Ipv4Packet syn = tcp(true, TCP_SYN);
        assertTrue(ConnectionTracker.canOpen(syn));
        int e = tracker.open(syn, 0, 0);
        assertEquals(TcpState.SYN_SENT, tracker.tcpState(e));
        assertEquals(ConnectionTracker.ACCEPT, apply(false, TCP_SYN | TCP_ACK, 1));
        assertEquals(TcpState.SYN_RECV, state());
        assertEquals(ConnectionTracker.ACCEPT, apply(true, TCP_ACK, 2));
        assertEquals(TcpState.ESTABLISHED, state());
        assertNotEquals(0, tracker.table().flags(e) & ConnectionTable.ASSURED);
        assertEquals(ConnectionTracker.ACCEPT, apply(true, TCP_FIN | TCP_ACK, 3));
        assertEquals(TcpState.FIN_WAIT, state());
        assertEquals(ConnectionTracker.ACCEPT, apply(false, TCP_ACK, 4));
        assertEquals(TcpState.CLOSE_WAIT, state());
        assertEquals(ConnectionTracker.ACCEPT, apply(false, TCP_FIN | TCP_ACK, 5));
        assertEquals(TcpState.LAST_ACK, state());
        assertEquals(ConnectionTracker.ACCEPT, apply(true, TCP_ACK, 6));
        assertEquals(TcpState.TIME_WAIT, state());
        // TIME_WAIT lasts 120 s (nf_conntrack_tcp_timeout_time_wait).
        assertEquals(0, tracker.expire(6 + 119 * S, 64));
        assertEquals(1, tracker.expire(6 + 120 * S, 64));
        assertEquals(0, tracker.table().size());
    }

    @Test
    void synAckFromTheOriginatorIsInvalid() {
        tracker.open(tcp(true, TCP_SYN), 0, 0);
        assertEquals(ConnectionTracker.INVALID, apply(true, TCP_SYN | TCP_ACK, 1));
        assertEquals(1, tracker.invalid());
        assertEquals(TcpState.SYN_SENT, state());
    }

    @Test
    void bareAckCannotOpenAConnection() {
        assertFalse(ConnectionTracker.canOpen(tcp(true, TCP_ACK)));
        assertFalse(ConnectionTracker.canOpen(tcp(true, TCP_SYN | TCP_ACK)));
        assertFalse(ConnectionTracker.canOpen(tcp(true, TCP_RST)));
    }

    @Test
    void resetClosesAndTheEntryGoesAfterTenSeconds() {
        tracker.open(tcp(true, TCP_SYN), 0, 0);
        apply(false, TCP_SYN | TCP_ACK, 0);
        apply(true, TCP_ACK, 0);
        assertEquals(ConnectionTracker.ACCEPT, apply(false, TCP_RST, S));
        assertEquals(TcpState.CLOSE, state());
        assertEquals(-1, tracker.lookup(tcp(true, TCP_ACK), 11 * S));
    }

    @Test
    void synAfterCloseReopensTheConnection() {
        tracker.open(tcp(true, TCP_SYN), 0, 0);
        apply(true, TCP_RST, 0);
        assertEquals(ConnectionTracker.REOPEN, apply(true, TCP_SYN, 1));
        assertEquals(0, tracker.table().size());
    }

    @Test
    void establishedTcpOutlivesFourDaysButNotFive() {
        tracker.open(tcp(true, TCP_SYN), 0, 0);
        apply(false, TCP_SYN | TCP_ACK, 0);
        apply(true, TCP_ACK, 0);
        assertEquals(0, tracker.expire(4 * 24 * 3600 * S, 64));
        assertEquals(1, tracker.expire(5 * 24 * 3600 * S, 64));
    }

    @Test
    void unrepliedSynSentExpiresAfterTwoMinutes() {
        tracker.open(tcp(true, TCP_SYN), 0, 0);
        assertTrue(tracker.lookup(tcp(true, TCP_SYN), 119 * S) >= 0);
        assertEquals(-1, tracker.lookup(tcp(true, TCP_SYN), 120 * S));
    }

    @Test
    void udpIsKeptThirtySecondsUnrepliedAndTwoMinutesOnceReplied() {
        byte[] out = PacketBuilder.ethernet(MAC_C, MAC_S).ipv4(CLIENT, SERVER).udp(5000, 53).build();
        byte[] back = PacketBuilder.ethernet(MAC_S, MAC_C).ipv4(SERVER, CLIENT).udp(53, 5000).build();
        p.parse(out, 0, out.length);
        tracker.open(p, 0, 0);
        assertEquals(1, tracker.expire(30 * S, 64), "unreplied: 30 s");

        p.parse(out, 0, out.length);
        tracker.open(p, 0, 100 * S);
        p.parse(back, 0, back.length);
        int h = tracker.lookup(p, 101 * S);
        assertEquals(ConnectionTable.REPLY, h & 1);
        assertEquals(ConnectionTracker.ACCEPT, tracker.update(h, p, 101 * S));
        assertEquals(0, tracker.expire(101 * S + 119 * S, 64));
        assertEquals(1, tracker.expire(101 * S + 120 * S, 64), "assured: 120 s");
    }

    @Test
    void icmpEchoIsTrackedByIdentifierAndOnlyRequestsOpen() {
        byte[] request = PacketBuilder.ethernet(MAC_C, MAC_S).ipv4(CLIENT, SERVER).icmpEcho(true, 77, 1).build();
        byte[] reply = PacketBuilder.ethernet(MAC_S, MAC_C).ipv4(SERVER, CLIENT).icmpEcho(false, 77, 1).build();
        byte[] otherReply = PacketBuilder.ethernet(MAC_S, MAC_C).ipv4(SERVER, CLIENT).icmpEcho(false, 78, 1).build();
        p.parse(reply, 0, reply.length);
        assertFalse(ConnectionTracker.canOpen(p));
        p.parse(request, 0, request.length);
        tracker.open(p, 0, 0);
        p.parse(reply, 0, reply.length);
        assertEquals(ConnectionTable.REPLY, tracker.lookup(p, 1) & 1);
        p.parse(otherReply, 0, otherReply.length);
        assertEquals(-1, tracker.lookup(p, 1));
        p.parse(request, 0, request.length);
        assertEquals(-1, tracker.lookup(p, 30 * S), "ICMP: 30 s");
    }
}
