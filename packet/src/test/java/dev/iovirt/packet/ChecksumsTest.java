package dev.iovirt.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.testing.TestFrames;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (folded), so the checksum is 0x220d.
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertThat(Checksums.fold(Checksums.sum(b, 0, b.length, 0))).isEqualTo(0xddf2);
        assertThat(Checksums.internet(b, 0, b.length)).isEqualTo(0x220d);
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        byte[] odd = {0x12, 0x34, 0x56};
        byte[] even = {0x12, 0x34, 0x56, 0x00};
        assertThat(Checksums.internet(odd, 0, 3)).isEqualTo(Checksums.internet(even, 0, 4));
    }

    @Test
    void builtHeadersVerifyToZero() {
        byte[] f = TestFrames.udp64();
        assertThat(Checksums.internet(f, 14, 20)).as("IPv4 header").isZero();
        long pseudo = Checksums.pseudoHeaderIpv4(TestFrames.IP_A.bits(), TestFrames.IP_B.bits(), IpProtocol.UDP, 26);
        assertThat(Checksums.finish(Checksums.sum(f, 34, 26, pseudo))).as("UDP").isZero();
        byte[] icmp = TestFrames.icmpEchoRequest(1, 1);
        assertThat(Checksums.internet(icmp, 34, 64)).as("ICMP").isZero();
    }

    @Test
    void eightByteAndTwoByteSummationAgree() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            long slow = 0;
            for (int j = 0; j + 1 < b.length; j += 2) {
                slow += Bytes.getU16(b, j);
            }
            if ((b.length & 1) != 0) {
                slow += (b[b.length - 1] & 0xFF) << 8;
            }
            assertThat(Checksums.fold(Checksums.sum(b, 0, b.length, 0))).isEqualTo(Checksums.fold(slow));
        }
    }

    @Test
    void incrementalUpdateMatchesRecomputation() {
        Random r = new Random(1624);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[20];
            r.nextBytes(b);
            Bytes.putU16(b, 10, 0);
            int sum = Checksums.internet(b, 0, 20);
            Bytes.putU16(b, 10, sum);
            // Change a 16-bit word (e.g. a TTL/protocol word) and a 32-bit field (an address).
            int old16 = Bytes.getU16(b, 8);
            int new16 = r.nextInt(0x10000);
            Bytes.putU16(b, 8, new16);
            sum = Checksums.update16(sum, old16, new16);
            int old32 = Bytes.getI32(b, 12);
            int new32 = r.nextInt();
            Bytes.putI32(b, 12, new32);
            sum = Checksums.update32(sum, old32, new32);
            Bytes.putU16(b, 10, 0);
            int expected = Checksums.internet(b, 0, 20);
            // RFC 1624 §3: eqn. 3 gives the same value as recomputation, except that 0x0000 and 0xFFFF are the
            // same number in one's complement.
            if (expected == 0) {
                assertThat(sum).isIn(0, 0xFFFF);
            } else {
                assertThat(sum).isEqualTo(expected);
            }
        }
    }

    @Test
    void rfc1624ExampleDoesNotProduceMinusZero() {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000 by eqn. 3.
        assertThat(Checksums.update16(0xDD2F, 0x5555, 0x3285)).isEqualTo(0x0000);
    }
}
