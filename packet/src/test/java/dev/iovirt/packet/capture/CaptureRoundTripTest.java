package dev.iovirt.packet.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.packet.testing.TestFrames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureRoundTripTest {
    @TempDir
    Path dir;

    private static final long T0 = 1_763_722_841_123_456_789L; // 2025-11-21T11:00:41.123456789Z

    @Test
    void pcapRoundTripKeepsBytesAndNanosecondTimestamps() throws IOException {
        Path file = dir.resolve("a.pcap");
        byte[][] frames = {TestFrames.arpRequest(), TestFrames.udp64(), TestFrames.tcpSyn()};
        try (PcapWriter w = PcapWriter.create(file)) {
            for (int i = 0; i < frames.length; i++) {
                w.write(T0 + i, frames[i]);
            }
        }
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.format()).isEqualTo(CaptureReader.Format.PCAP);
            List<CapturedFrame> read = r.readAll();
            assertThat(read).hasSize(3);
            for (int i = 0; i < frames.length; i++) {
                assertThat(read.get(i).data()).isEqualTo(frames[i]);
                assertThat(read.get(i).timestampNanos()).isEqualTo(T0 + i);
                assertThat(read.get(i).linkType()).isEqualTo(LinkType.ETHERNET);
                assertThat(read.get(i).originalLength()).isEqualTo(frames[i].length);
            }
        }
    }

    @Test
    void pcapngRoundTripKeepsInterfacesCommentsAndNanoseconds() throws IOException {
        Path file = dir.resolve("a.pcapng");
        try (PcapngWriter w = PcapngWriter.create(file)) {
            int eth0 = w.addInterface("web1.eth0");
            int tun = w.addInterface("hv1.vxlan0");
            w.write(eth0, T0, TestFrames.icmpEchoRequest(1, 1), 0, 98, "before encapsulation");
            byte[] vx = TestFrames.vxlan(1001);
            w.write(tun, T0 + 1, vx, 0, vx.length, null);
        }
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.format()).isEqualTo(CaptureReader.Format.PCAPNG);
            List<CapturedFrame> read = r.readAll();
            assertThat(read).hasSize(2);
            assertThat(read.get(0).interfaceName()).isEqualTo("web1.eth0");
            assertThat(read.get(0).comment()).isEqualTo("before encapsulation");
            assertThat(read.get(0).timestampNanos()).isEqualTo(T0);
            assertThat(read.get(0).data()).isEqualTo(TestFrames.icmpEchoRequest(1, 1));
            assertThat(read.get(1).interfaceId()).isEqualTo(1);
            assertThat(read.get(1).interfaceName()).isEqualTo("hv1.vxlan0");
            assertThat(read.get(1).comment()).isNull();
            assertThat(read.get(1).timestampNanos()).isEqualTo(T0 + 1);
            assertThat(read.get(1).data()).isEqualTo(TestFrames.vxlan(1001));
        }
    }

    @Test
    void bigEndianMicrosecondPcapIsRead() throws IOException {
        byte[] frame = TestFrames.udp64();
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + frame.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(PcapWriter.MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(1_700_000_000).putInt(250_000).putInt(frame.length).putInt(frame.length).put(frame);
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(b.array()), "be.pcap")) {
            CapturedFrame f = r.next();
            assertThat(f.timestampNanos()).isEqualTo(1_700_000_000_250_000_000L);
            assertThat(f.data()).isEqualTo(frame);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void snapLengthShorterThanTheFrameIsKept() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, LinkType.ETHERNET, 40)) {
            w.write(T0, TestFrames.icmpEchoRequest(1, 1));
        }
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(out.toByteArray()), "snap.pcap")) {
            CapturedFrame f = r.next();
            assertThat(f.data()).hasSize(40);
            assertThat(f.originalLength()).isEqualTo(98);
            assertThat(f.isSnapped()).isTrue();
        }
    }

    @Test
    void notACaptureFileIsRejectedWithItsMagic() {
        byte[] text = "hello, this is text\n".getBytes();
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(text), "notes.txt"))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("notes.txt: not a pcap or pcapng file (magic 0x68656c6c)");
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(new byte[2]), "tiny"))
                .hasMessageContaining("too short");
    }

    @Test
    void missingFileSaysNoSuchFile() {
        assertThatThrownBy(() -> CaptureReader.open(dir.resolve("absent.pcap")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("absent.pcap");
    }

    @Test
    void everyTruncationOfAFileIsAFormatErrorOrACleanShorterRead() throws IOException {
        for (boolean ng : new boolean[] {false, true}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CaptureWriter w = ng ? new PcapngWriter(out, 65535, "t") : new PcapWriter(out, 1, 65535)) {
                int itf = w.addInterface("p0");
                w.write(itf, T0, TestFrames.arpRequest(), 0, 60, ng ? "c" : null);
                w.write(itf, T0, TestFrames.tcpSyn(), 0, 60, null);
            }
            byte[] whole = out.toByteArray();
            for (int n = 0; n < whole.length; n++) {
                byte[] cut = Arrays.copyOf(whole, n);
                try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(cut), "cut")) {
                    List<CapturedFrame> frames = r.readAll();
                    assertThat(frames.size()).as("a clean read of %d bytes stops at a record boundary", n).isLessThan(2);
                } catch (CaptureFormatException e) {
                    assertThat(e.getMessage()).startsWith("cut: ");
                }
            }
        }
    }

    @Test
    void corruptLengthFieldsAreRejectedBeforeAllocating() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(out, 65535, null)) {
            w.addInterface("p0");
            w.write(0, T0, TestFrames.udp64(), 0, 60, null);
        }
        byte[] b = out.toByteArray();
        int epb = findEpb(b);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 4, 0x7FFF_FFF0);
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(b), "big").readAll())
                .isInstanceOf(CaptureFormatException.class).hasMessageContaining("bad block length");

        byte[] c = out.toByteArray();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 20, 5000); // captured length beyond the block
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(c), "claim").readAll())
                .isInstanceOf(CaptureFormatException.class).hasMessageContaining("claims 5000 bytes");

        byte[] d = out.toByteArray();
        ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(epb + 8, 3); // interface 3 undeclared
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(d), "itf").readAll())
                .hasMessageContaining("names interface 3");
    }

    private static int findEpb(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        while (p < b.length) {
            if (bb.getInt(p) == PcapngWriter.EPB) {
                return p;
            }
            p += bb.getInt(p + 4);
        }
        throw new AssertionError("no EPB");
    }

    @Test
    void writerRefusesUndeclaredInterfaces() throws IOException {
        try (PcapngWriter w = new PcapngWriter(new ByteArrayOutputStream(), 65535, null)) {
            assertThatThrownBy(() -> w.write(0, T0, new byte[60], 0, 60, null)).hasMessageContaining("was not added");
        }
        try (PcapWriter w = new PcapWriter(new ByteArrayOutputStream(), 1, 65535)) {
            w.addInterface("a");
            assertThatThrownBy(() -> w.addInterface("b")).hasMessageContaining("write pcapng");
        }
        Files.deleteIfExists(dir.resolve("x"));
    }
}
