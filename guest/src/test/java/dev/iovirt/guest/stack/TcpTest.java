package dev.iovirt.guest.stack;

import static dev.iovirt.guest.stack.StackLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.net.TcpCloseReason;
import dev.iovirt.guest.net.TcpConnection;
import dev.iovirt.guest.net.TcpHandler;
import dev.iovirt.guest.net.TcpState;
import dev.iovirt.guest.programs.TcpConnectGenerator;
import dev.iovirt.guest.programs.TcpConnectGenerator.Outcome;
import dev.iovirt.guest.programs.TcpEchoServer;
import dev.iovirt.guest.stack.StackLab.Machine;
import dev.iovirt.guest.stack.StackLab.Record;
import dev.iovirt.packet.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP between two guest VMs, each with an e1000, on one cable, on virtual time. */
class TcpTest {
    private static final Ipv4Address B = Ipv4Address.of("10.0.0.2");
    private final StackLab lab = new StackLab();
    private TcpConnectGenerator generator;
    private TcpEchoServer server;

    private Machine client(int connections, int concurrency, int bytes) {
        return lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            generator = new TcpConnectGenerator(m.stack, B, TcpEchoServer.ECHO_PORT, connections, concurrency, bytes);
            StackLab.later(m, MS, () -> generator.step(m.kernel));
        });
    }

    private Machine echoServer() {
        return lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> server = new TcpEchoServer(m.stack, TcpEchoServer.ECHO_PORT));
    }

    @Test
    void echoesMoreThanAWindowOfDataBothWays() {
        Machine a = client(1, 1, 256 * 1024);
        Machine b = echoServer();
        lab.cable(a, b);
        lab.steps.runUntil(5_000 * MS);

        assertThat(generator.finished()).isTrue();
        TcpConnectGenerator.Result r = generator.results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(r.connected()).isTrue();
        assertThat(r.connectNanos()).isPositive();
        assertThat(r.bytesEchoed()).isEqualTo(256 * 1024);
        assertThat(r.bytesSent()).isEqualTo(256 * 1024);
        assertThat(r.sourcePort()).isBetween(49152, 65535);
        assertThat(server.echoed()).isEqualTo(256 * 1024);
        assertThat(server.closedConnections()).isEqualTo(1);
        assertThat(a.stack.stats().tcpChecksumErrors + b.stack.stats().tcpChecksumErrors).isZero();
        assertThat(a.stack.stats().tcpRetransmissions + b.stack.stats().tcpRetransmissions).isZero();
        // Segments never exceed the MSS both sides announced (1460 on Ethernet).
        assertThat(lab.tcpFrames()).allSatisfy(f -> assertThat(f.payloadLength()).isLessThanOrEqualTo(1460));
        assertThat(lab.tcpFrames()).anySatisfy(f -> assertThat(f.payloadLength()).isEqualTo(1460));
        // TIME_WAIT (100 ms here) has passed on the client, which closed first: both tables are empty.
        assertThat(a.stack.tcpConnections()).isEmpty();
        assertThat(b.stack.tcpConnections()).isEmpty();
        assertThat(a.kernel.faults()).isEmpty();
        assertThat(b.kernel.faults()).isEmpty();
    }

    @Test
    void theHandshakeCarriesMssOptionsAndTheIsnIsDeterministic() {
        Machine a = client(1, 1, 100);
        Machine b = echoServer();
        lab.cable(a, b);
        lab.steps.runUntil(1_000 * MS);
        List<Record> tcp = lab.tcpFrames();
        Record syn = tcp.get(0);
        Record synAck = tcp.get(1);
        Record ack = tcp.get(2);
        assertThat(syn.tcpFlags()).isEqualTo(0x02);
        assertThat(synAck.tcpFlags()).isEqualTo(0x12);
        assertThat(ack.tcpFlags() & 0x10).isNotZero();
        assertThat(synAck.ack()).isEqualTo((syn.seq() + 1) & 0xFFFF_FFFFL);
        assertThat(ack.ack()).isEqualTo((synAck.seq() + 1) & 0xFFFF_FFFFL);
        for (Record r : List.of(syn, synAck)) {
            assertThat(r.bytes()[StackLab.IP + 12] & 0xF0).isEqualTo(6 << 4); // 24-byte header: one option
            assertThat(r.bytes()[StackLab.IP + 20]).isEqualTo((byte) 2);
            assertThat(dev.iovirt.packet.Bytes.getU16(r.bytes(), StackLab.IP + 22)).isEqualTo(1460);
        }
        assertThat(generator.results().get(0).outcome()).isEqualTo(Outcome.COMPLETED);

        StackLab again = new StackLab();
        Machine a2 = again.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            TcpConnectGenerator g = new TcpConnectGenerator(m.stack, B, TcpEchoServer.ECHO_PORT, 1, 1, 100);
            StackLab.later(m, MS, () -> g.step(m.kernel));
        });
        Machine b2 = again.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> new TcpEchoServer(m.stack, TcpEchoServer.ECHO_PORT));
        again.cable(a2, b2);
        again.steps.runUntil(1_000 * MS);
        assertThat(again.tcpFrames().get(0).seq()).isEqualTo(syn.seq());
        assertThat(again.tcpFrames().get(1).seq()).isEqualTo(synAck.seq());
    }

    @Test
    void aDroppedSegmentIsRetransmittedAfterTheRtoAndTheStreamArrivesIntact() {
        int[] dataFrames = {0};
        Machine a = client(1, 1, 64 * 1024);
        Machine b = echoServer();
        lab.cable(a, b, r -> r.fromA() && r.isTcp() && r.payloadLength() > 0 && ++dataFrames[0] == 5);
        lab.steps.runUntil(5_000 * MS);

        TcpConnectGenerator.Result r = generator.results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(r.bytesEchoed()).isEqualTo(64 * 1024);
        assertThat(r.retransmissions()).isPositive();
        assertThat(a.stack.stats().tcpRetransmissions).isPositive();
        assertThat(b.stack.stats().tcpOutOfOrderDropped).isPositive(); // the segments after the gap
        Record dropped = lab.captured.stream().filter(Record::dropped).findFirst().orElseThrow();
        Record again = lab.captured.stream()
                .filter(f -> f.fromA() && !f.dropped() && f.isTcp() && f.seq() == dropped.seq() && f.payloadLength() > 0)
                .reduce((x, y) -> y).orElseThrow();
        // Resent when the timer expired: not before the 200 ms minimum RTO (RFC 6298 §2.4), not long after.
        assertThat(again.nanos() - dropped.nanos()).isBetween(200 * MS, 400 * MS);
    }

    @Test
    void aSynToAClosedPortIsAnsweredWithARstAndTheClientReportsRefused() {
        Machine a = client(1, 1, 10);
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> {
        });
        lab.cable(a, b);
        lab.steps.runUntil(1_000 * MS);

        TcpConnectGenerator.Result r = generator.results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.connected()).isFalse();
        assertThat(b.stack.stats().tcpNoPort).isEqualTo(1);
        assertThat(b.stack.stats().tcpResetsOut).isEqualTo(1);
        assertThat(a.stack.stats().tcpResetsIn).isEqualTo(1);
        Record rst = lab.tcpFrames().get(1);
        assertThat(rst.tcpFlags()).isEqualTo(0x14); // RST,ACK acknowledging the SYN: RFC 9293 §3.10.7.1
        assertThat(rst.ack()).isEqualTo((lab.tcpFrames().get(0).seq() + 1) & 0xFFFF_FFFFL);
        assertThat(a.stack.tcpConnections()).isEmpty();
    }

    /** A handler that records the states it saw, and closes 20 ms after connecting if it is the closer. */
    private static final class Recorder implements TcpHandler {
        final List<String> events = new ArrayList<>();
        Machine machine;
        boolean closer;
        TcpConnection connection;
        TcpCloseReason reason;

        @Override
        public void onConnected(TcpConnection c) {
            connection = c;
            events.add("connected");
            if (closer) {
                StackLab.later(machine, 20 * MS, () -> {
                    c.close();
                    events.add("closed, now " + c.state());
                });
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            events.add("peer closed in " + c.state());
            c.close();
            events.add("closed, now " + c.state());
        }

        @Override
        public void onClosed(TcpConnection c, TcpCloseReason why) {
            reason = why;
            events.add("ended in " + c.state() + " " + why);
        }
    }

    @Test
    void closingFromEitherSideReachesTimeWaitOnTheCloserAndClosedOnThePeer() {
        for (boolean clientCloses : new boolean[] {true, false}) {
            StackLab l = new StackLab();
            Recorder client = new Recorder();
            Recorder accepted = new Recorder();
            Recorder closer = clientCloses ? client : accepted;
            Recorder other = clientCloses ? accepted : client;
            closer.closer = true;
            Machine a = l.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
                client.machine = m;
                StackLab.later(m, MS, () -> m.stack.connect(B, 80, client));
            });
            Machine b = l.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> {
                accepted.machine = m;
                m.stack.listen(80, c -> accepted);
            });
            l.cable(a, b);
            l.steps.runUntil(15 * MS);
            assertThat(client.connection.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(accepted.connection.state()).isEqualTo(TcpState.ESTABLISHED);
            l.steps.runUntil(80 * MS); // closed at about 21 ms; TIME_WAIT lasts 100 ms

            assertThat(closer.events).containsExactly("connected", "closed, now FIN_WAIT_1", "ended in TIME_WAIT NORMAL");
            assertThat(other.events).containsExactly("connected", "peer closed in CLOSE_WAIT", "closed, now LAST_ACK",
                    "ended in CLOSED NORMAL");
            assertThat(closer.connection.state()).isEqualTo(TcpState.TIME_WAIT);
            // FIN; FIN,ACK (the peer's ACK rides on its own FIN, as it closes at once); ACK.
            assertThat(l.tcpFrames().stream().filter(r -> r.nanos() >= 20 * MS).map(r -> r.tcpFlags() & 0x17))
                    .containsExactly(0x11, 0x11, 0x10);
            l.steps.runUntil(l.clock.nanos() + 100 * MS);
            assertThat(closer.connection.state()).isEqualTo(TcpState.CLOSED);
            assertThat(a.stack.tcpConnections()).isEmpty();
            assertThat(b.stack.tcpConnections()).isEmpty();
            assertThat(a.stack.stats().tcpResetsOut + b.stack.stats().tcpResetsOut).isZero();
        }
    }

    @Test
    void theSenderRespectsASmallReceiveWindowAndProbesAZeroWindow() {
        lab.tcp = lab.tcp.withBuffers(64 * 1024, 4096);
        byte[] data = new byte[32 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        ByteCollector[] receiver = new ByteCollector[1];
        int[] sent = {0};
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> StackLab.later(m, MS, () -> m.stack.connect(B, 5001, new TcpHandler() {
            @Override
            public void onConnected(TcpConnection c) {
                sent[0] = c.send(data, 0, data.length);
            }
        })));
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> m.stack.listen(5001, c -> {
            receiver[0] = new ByteCollector(c);
            // The program does not read for 1 s: the window fills and closes; then it reads everything.
            StackLab.later(m, 1_000 * MS, () -> receiver[0].reading = true);
            StackLab.later(m, 1_000 * MS, () -> receiver[0].drain());
            return receiver[0];
        }));
        lab.cable(a, b);
        lab.steps.runUntil(500 * MS);
        assertThat(receiver[0].bytes.size()).isZero();
        assertThat(receiver[0].connection.available()).isEqualTo(4096);
        lab.steps.runUntil(10_000 * MS);

        assertThat(sent[0]).isEqualTo(data.length);
        assertThat(receiver[0].toArray()).isEqualTo(data);
        // Every data segment from a fits in the last window b advertised (right edge = ack + window),
        // except the one-byte probes of a zero window.
        long rightEdge = -1;
        int probes = 0;
        boolean zeroWindowSeen = false;
        for (Record r : lab.tcpFrames()) {
            if (!r.fromA()) {
                if ((r.tcpFlags() & 0x10) != 0) {
                    rightEdge = r.ack() + r.window();
                    zeroWindowSeen |= r.window() == 0;
                }
            } else if (r.payloadLength() > 0) {
                if (r.payloadLength() == 1 && r.seq() >= rightEdge) {
                    probes++;
                } else {
                    assertThat(r.seq() + r.payloadLength()).as("segment at %d", r.seq()).isLessThanOrEqualTo(rightEdge);
                }
            }
        }
        assertThat(zeroWindowSeen).isTrue();
        assertThat(probes).isPositive();
        assertThat(a.stack.stats().tcpTimeouts).isZero();
    }

    /** Keeps every byte its connection delivers, once {@code reading} is set. */
    private static final class ByteCollector implements TcpHandler {
        final TcpConnection connection;
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final byte[] buffer = new byte[1000];
        boolean reading;

        ByteCollector(TcpConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onData(TcpConnection c, int available) {
            if (reading) {
                drain();
            }
        }

        void drain() {
            int n;
            while ((n = connection.read(buffer, 0, buffer.length)) > 0) {
                bytes.write(buffer, 0, n);
            }
        }

        byte[] toArray() {
            return bytes.toByteArray();
        }
    }

    @Test
    void connectionsRunConcurrentlyFromDistinctSourcePorts() {
        Machine a = client(6, 3, 10_000);
        Machine b = echoServer();
        lab.cable(a, b);
        lab.steps.runUntil(3_000 * MS);

        assertThat(generator.finished()).isTrue();
        assertThat(generator.completed()).isEqualTo(6);
        assertThat(generator.results()).extracting(TcpConnectGenerator.Result::sourcePort).doesNotHaveDuplicates();
        assertThat(generator.results()).allSatisfy(r -> assertThat(r.bytesEchoed()).isEqualTo(10_000));
        assertThat(server.echoed()).isEqualTo(60_000);
        assertThat(b.stack.stats().tcpPassiveOpens).isEqualTo(6);
    }

    @Test
    void aLostSynIsSentAgainAndTheRtoStartsAtThreeSeconds() {
        long[] rtoAtConnect = {-1};
        long[] connectNanos = {-1};
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> StackLab.later(m, MS, () -> m.stack.connect(B, 80, new TcpHandler() {
            @Override
            public void onConnected(TcpConnection c) {
                rtoAtConnect[0] = c.rtoNanos();
                connectNanos[0] = c.connectNanos();
            }
        })));
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> m.stack.listen(80, c -> new TcpHandler() {
        }));
        boolean[] first = {true};
        lab.cable(a, b, r -> r.isTcp() && r.fromA() && r.tcpFlags() == 0x02 && first[0] && !(first[0] = false));
        lab.steps.runUntil(1_000 * MS);

        assertThat(a.stack.stats().tcpRetransmissions).isEqualTo(1);
        assertThat(connectNanos[0]).isBetween(200 * MS, 210 * MS); // the 200 ms initial RTO of this lab
        assertThat(rtoAtConnect[0]).isEqualTo(3_000 * MS); // RFC 6298 §5.7
    }

    @Test
    void aFullTableOfTimeWaitGivesUpItsOldestForANewConnection() {
        lab.tcp = lab.tcp.withMaxConnections(2).withTimeWait(60_000 * MS);
        Machine a = client(6, 1, 1000);
        Machine b = echoServer();
        lab.cable(a, b);
        lab.steps.runUntil(2_000 * MS);

        assertThat(generator.completed()).isEqualTo(6);
        assertThat(generator.results()).extracting(TcpConnectGenerator.Result::sourcePort).doesNotHaveDuplicates();
        assertThat(a.stack.stats().tcpTimeWaitRecycled).isEqualTo(4); // two slots, six connections
        assertThat(a.stack.tcpConnections()).hasSize(2).allSatisfy(c -> assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT));
    }

    @Test
    void aConnectionWhosePeerFallsSilentTimesOutAfterItsRetries() {
        boolean[] cut = {false};
        int[] dataFrames = {0};
        Machine a = client(1, 1, 200_000);
        Machine b = echoServer();
        // After a's tenth data segment the cable goes dead, both ways.
        lab.cable(a, b, r -> cut[0] || r.fromA() && r.isTcp() && r.payloadLength() > 0 && ++dataFrames[0] > 10 && (cut[0] = true));
        lab.steps.runUntil(60_000 * MS);

        TcpConnectGenerator.Result r = generator.results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(r.connected()).isTrue();
        assertThat(a.stack.stats().tcpTimeouts).isEqualTo(1);
        // Four retransmissions with the RTO doubling each time (RFC 6298 §5.5), then the end.
        // The last segment a sent is its last retransmission of SND.UNA: that sequence number went out five times.
        List<Record> data = lab.captured.stream().filter(f -> f.fromA() && f.isTcp() && f.payloadLength() > 0).toList();
        long una = data.get(data.size() - 1).seq();
        List<Record> resent = data.stream().filter(f -> f.seq() == una).toList();
        assertThat(resent).hasSize(5);
        for (int i = 2; i < resent.size(); i++) {
            long gap = resent.get(i).nanos() - resent.get(i - 1).nanos();
            long previous = resent.get(i - 1).nanos() - resent.get(i - 2).nanos();
            assertThat(gap).isBetween(2 * previous - MS, 2 * previous + MS);
        }
    }
}
