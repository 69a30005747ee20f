package dev.iovirt.guest.stack;

import static dev.iovirt.guest.stack.StackLab.IP;
import static dev.iovirt.guest.stack.StackLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.net.NetStats;
import dev.iovirt.guest.net.TcpConnection;
import dev.iovirt.guest.net.TcpHandler;
import dev.iovirt.guest.stack.StackLab.Machine;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The guest's TCP input checks, with segments written straight into its e1000 from the host side and
 * its answers read back from the host side: bad input is counted and dropped, never thrown.
 */
class TcpInputTest {
    private static final MacAddress PEER_MAC = MacAddress.of("52:54:00:00:00:99");
    private static final Ipv4Address PEER = Ipv4Address.of("10.0.0.9");
    private static final MacAddress B_MAC = MacAddress.of("52:54:00:00:00:0b");
    private static final Ipv4Address B = Ipv4Address.of("10.0.0.2");
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;
    private final StackLab lab = new StackLab();
    private final List<TcpConnection> accepted = new ArrayList<>();
    private final Machine b = lab.machine("b", B_MAC.toString(), B.toString(), m -> m.stack.listen(80, c -> {
        accepted.add(c);
        return new TcpHandler() {
        };
    }));

    TcpInputTest() {
        lab.steps.runUntilIdle();
        // b learns the peer from its ARP request (RFC 826 merge), so that answers need no resolution.
        inject(PacketBuilder.ethernet(PEER_MAC, MacAddress.BROADCAST).arp(1, PEER_MAC, PEER, MacAddress.ZERO, B).build());
        sent();
    }

    private NetStats inject(byte[] frame) {
        FrameBatch batch = new FrameBatch();
        batch.add(frame, 0, frame.length);
        assertThat(b.nic.transmit(batch)).isEqualTo(1);
        lab.steps.runUntil(lab.clock.nanos() + MS);
        return b.stack.stats();
    }

    private List<byte[]> sent() {
        FrameBatch batch = new FrameBatch();
        b.nic.receive(batch);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(batch.get(i).toBytes());
        }
        return out;
    }

    /** A segment from the peer to b with {@code options} (padded to 4 bytes by the caller) and {@code payload}. */
    private static byte[] segment(int dstPort, int flags, long seq, long ack, byte[] options, byte[] payload) {
        byte[] body = new byte[options.length + payload.length];
        System.arraycopy(options, 0, body, 0, options.length);
        System.arraycopy(payload, 0, body, options.length, payload.length);
        byte[] f = PacketBuilder.ethernet(PEER_MAC, B_MAC).ipv4(PEER, B).tcp(40000, dstPort, flags).seq(seq).ack(ack).window(8192)
                .payload(body).build();
        f[IP + 12] = (byte) ((20 + options.length) / 4 << 4);
        return withTcpChecksum(f);
    }

    private static byte[] withTcpChecksum(byte[] f) {
        int tcpLength = Bytes.getU16(f, 14 + 2) - 20;
        Bytes.putU16(f, IP + 16, 0);
        Bytes.putU16(f, IP + 16, Checksums.finish(Checksums.sum(f, IP, tcpLength, Checksums.pseudoHeaderIpv4(PEER.bits(), B.bits(), 6, tcpLength))));
        return f;
    }

    @Test
    void aSynToAClosedPortIsAnsweredWithRstAckAcknowledgingIt() {
        inject(segment(81, SYN, 1000, 0, new byte[0], new byte[0]));
        byte[] rst = sent().get(0);
        assertThat(rst[IP + 13] & 0x3F).isEqualTo(RST | ACK);
        assertThat(Bytes.getI32(rst, IP + 4)).isZero();
        assertThat(Bytes.getI32(rst, IP + 8)).isEqualTo(1001);
        assertThat(Bytes.getU16(rst, IP + 2)).isEqualTo(40000);
        int tcpLength = Bytes.getU16(rst, 14 + 2) - 20;
        assertThat(Checksums.finish(Checksums.sum(rst, IP, tcpLength, Checksums.pseudoHeaderIpv4(B.bits(), PEER.bits(), 6, tcpLength)))).isZero();
        assertThat(b.stack.stats().tcpNoPort).isEqualTo(1);
    }

    @Test
    void anAckToAListenerIsResetWithItsAckAsTheSequenceNumber() {
        inject(segment(80, ACK, 1000, 0xDEADBEEFL, new byte[0], new byte[0]));
        byte[] rst = sent().get(0);
        assertThat(rst[IP + 13] & 0x3F).isEqualTo(RST);
        assertThat(Bytes.getI32(rst, IP + 4)).isEqualTo(0xDEADBEEF);
        assertThat(accepted).isEmpty();
    }

    @Test
    void aRstToAClosedPortIsNotAnswered() {
        inject(segment(81, RST, 1000, 0, new byte[0], new byte[0]));
        assertThat(sent()).isEmpty();
    }

    @Test
    void aSynIsAnsweredWithSynAckCarryingTheSmallerMss() {
        inject(segment(80, SYN, 5000, 0, new byte[] {1, 1, 2, 4, 0x02, 0x00, 0, 0}, new byte[0])); // NOP NOP MSS=512 EOL
        byte[] synAck = sent().get(0);
        assertThat(synAck[IP + 13] & 0x3F).isEqualTo(SYN | ACK);
        assertThat(Bytes.getI32(synAck, IP + 8)).isEqualTo(5001);
        assertThat(Bytes.getU16(synAck, IP + 22)).isEqualTo(1460); // ours
        int iss = Bytes.getI32(synAck, IP + 4);
        inject(segment(80, ACK, 5001, (iss + 1) & 0xFFFF_FFFFL, new byte[0], new byte[0]));
        assertThat(accepted).singleElement().satisfies(c -> assertThat(c.mss()).isEqualTo(512));
    }

    /** Completes a handshake with the listener on port 80; returns b's ISS + 1 (its SND.NXT). */
    private int establish(long peerIss) {
        inject(segment(80, SYN, peerIss, 0, new byte[0], new byte[0]));
        int iss = Bytes.getI32(sent().get(0), IP + 4);
        inject(segment(80, ACK, peerIss + 1, (iss + 1) & 0xFFFF_FFFFL, new byte[0], new byte[0]));
        assertThat(accepted).hasSize(1);
        return iss + 1;
    }

    @Test
    void oneFullSegmentIsAcknowledgedAfterTheDelayedAckTimeAndTwoAtOnce() {
        int sndNxt = establish(7000);
        long t = lab.clock.nanos();
        inject(segment(80, ACK, 7001, sndNxt & 0xFFFF_FFFFL, new byte[0], new byte[1460]));
        lab.steps.runUntil(t + 39 * MS);
        assertThat(sent()).isEmpty();
        lab.steps.runUntil(t + 42 * MS);
        byte[] ack = sent().get(0);
        assertThat(Bytes.getI32(ack, IP + 8)).isEqualTo(7001 + 1460);
        assertThat(Bytes.getU16(ack, IP + 14)).isEqualTo(65536 - 1460); // the window: the 64 KiB buffer's free part

        inject(segment(80, ACK, 7001 + 1460, sndNxt & 0xFFFF_FFFFL, new byte[0], new byte[1460]));
        inject(segment(80, ACK, 7001 + 2 * 1460, sndNxt & 0xFFFF_FFFFL, new byte[0], new byte[1460]));
        List<byte[]> out = sent();
        assertThat(out).hasSize(1); // every second full segment at once (RFC 9293 §3.8.6.3)
        assertThat(Bytes.getI32(out.get(0), IP + 8)).isEqualTo(7001 + 3 * 1460);
        assertThat(accepted.get(0).available()).isEqualTo(3 * 1460);
    }

    @Test
    void aSegmentAfterAGapIsDroppedWithADuplicateAckAndAnInexactRstGetsAChallengeAck() {
        int sndNxt = establish(9000);
        inject(segment(80, ACK | 0x08, 9001 + 100, sndNxt & 0xFFFF_FFFFL, new byte[0], new byte[50]));
        byte[] dupAck = sent().get(0);
        assertThat(Bytes.getI32(dupAck, IP + 8)).isEqualTo(9001);
        assertThat(b.stack.stats().tcpOutOfOrderDropped).isEqualTo(1);
        assertThat(accepted.get(0).available()).isZero();

        inject(segment(80, RST, 9001 + 10, 0, new byte[0], new byte[0])); // in the window, not at RCV.NXT
        byte[] challenge = sent().get(0);
        assertThat(challenge[IP + 13] & 0x3F).isEqualTo(ACK);
        assertThat(accepted.get(0).state()).isEqualTo(dev.iovirt.guest.net.TcpState.ESTABLISHED);
        inject(segment(80, RST, 9001, 0, new byte[0], new byte[0]));
        assertThat(accepted.get(0).state()).isEqualTo(dev.iovirt.guest.net.TcpState.CLOSED);
        assertThat(accepted.get(0).closeReason()).isEqualTo(dev.iovirt.guest.net.TcpCloseReason.RESET);
        assertThat(b.stack.tcpConnections()).isEmpty();
    }

    @Test
    void aSegmentWithABadChecksumIsDroppedAndCounted() {
        byte[] f = segment(80, SYN, 1000, 0, new byte[0], new byte[0]);
        f[IP + 4] ^= 1;
        assertThat(inject(f).tcpChecksumErrors).isEqualTo(1);
        assertThat(sent()).isEmpty();
    }

    @Test
    void badDataOffsetsAndTruncatedSegmentsAreHeaderErrors() {
        byte[] small = segment(80, SYN, 1000, 0, new byte[0], new byte[0]);
        small[IP + 12] = 0x40; // 16 bytes: less than a header
        inject(withTcpChecksum(small));
        byte[] large = segment(80, SYN, 1000, 0, new byte[0], new byte[4]);
        large[IP + 12] = (byte) 0xF0; // 60 bytes: past the segment's end
        inject(withTcpChecksum(large));
        byte[] stub = PacketBuilder.ethernet(PEER_MAC, B_MAC).ipv4(PEER, B).ipProtocol(6).payload(12).build();
        assertThat(inject(stub).tcpHeaderErrors).isEqualTo(3);
        assertThat(sent()).isEmpty();
        assertThat(accepted).isEmpty();
    }

    @Test
    void malformedOptionsAreDroppedAndCounted() {
        inject(segment(80, SYN, 1000, 0, new byte[] {1, 2, 4, 5}, new byte[0])); // MSS option cut by the header's end
        inject(segment(80, SYN, 1000, 0, new byte[] {8, 0, 0, 0}, new byte[0])); // option length 0
        assertThat(inject(segment(80, SYN, 1000, 0, new byte[] {2, 3, 5, 0}, new byte[0])).tcpBadOptions).isEqualTo(3); // MSS of length 3
        assertThat(sent()).isEmpty();
    }

    @Test
    void randomSegmentsNeverThrowOutOfTheStack() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 300; i++) {
            byte[] options = new byte[4 * random.nextInt(11)];
            random.nextBytes(options);
            byte[] payload = new byte[random.nextInt(64)];
            random.nextBytes(payload);
            byte[] f = segment(random.nextBoolean() ? 80 : random.nextInt(1, 65536), random.nextInt(64), random.nextInt() & 0xFFFF_FFFFL,
                    random.nextInt() & 0xFFFF_FFFFL, options, payload);
            if (random.nextInt(4) == 0) {
                f[IP + 12] = (byte) (random.nextInt(16) << 4);
                withTcpChecksum(f);
            }
            inject(f);
            sent();
        }
        assertThat(b.kernel.faults()).isEmpty();
        NetStats s = b.stack.stats();
        assertThat(s.tcpSegmentsIn).isEqualTo(300);
        assertThat(s.tcpBadOptions + s.tcpHeaderErrors).isPositive();
    }
}
