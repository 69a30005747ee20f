package dev.iovirt.vswitch.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.packet.testing.TestFrames;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapPortTest {
    @TempDir
    Path dir;

    Path capture(String name, List<byte[]> frames) throws IOException {
        Path p = dir.resolve(name);
        try (PcapWriter w = PcapWriter.create(p)) {
            long t = 1_000_000_000L;
            for (byte[] f : frames) {
                w.write(t++, f);
            }
        }
        return p;
    }

    static List<byte[]> frames(int n) {
        List<byte[]> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(TestFrames.udp(1000 + i, 9000, 18));
        }
        return l;
    }

    @Test
    void replaysNothingUntilToldThenEveryFrameOnceInBatches() throws IOException {
        List<byte[]> frames = frames(40);
        try (PcapPort port = new PcapPort("p1", capture("in.pcap", frames), null)) {
            int[] wakeups = {0};
            port.setReceiveListener(() -> wakeups[0]++);
            FrameBatch batch = new FrameBatch();
            assertThat(port.receive(batch)).isZero();
            port.startReplay();
            assertThat(wakeups[0]).isEqualTo(1);
            assertThat(port.receive(batch)).isEqualTo(32);
            List<byte[]> got = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                got.add(batch.get(i).toBytes());
            }
            batch.clear();
            assertThat(port.replayed()).isNotDone();
            assertThat(port.receive(batch)).isEqualTo(8);
            for (int i = 0; i < batch.size(); i++) {
                got.add(batch.get(i).toBytes());
            }
            assertThat(got).containsExactlyElementsOf(frames);
            assertThat(port.replayed()).isCompletedWithValue(40);
            batch.clear();
            assertThat(port.receive(batch)).isZero();
            assertThat(port.counters().rxPackets).isEqualTo(40);
        }
    }

    @Test
    void aSwitchForwardsTheInputOfOnePortIntoTheOutputOfAnother() throws IOException {
        List<byte[]> frames = frames(5);
        Path out = dir.resolve("out.pcap");
        Bridge br = new Bridge("br0", DatapathId.of(1), System::nanoTime);
        PcapPort in = new PcapPort("p1", capture("in.pcap", frames), null);
        PcapPort sink = new PcapPort("p2", null, out, () -> 1_763_722_841_000_000_000L);
        br.addPort(1, "p1", in);
        br.addPort(2, "p2", sink);
        br.handle(OfpFlowMod.builder(FlowModCommand.ADD).match(Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build());
        in.startReplay();
        br.runUntilQuiet();
        // Flushed per batch: readable while the port is still open.
        try (CaptureReader r = CaptureReader.open(out)) {
            List<CapturedFrame> written = r.readAll();
            assertThat(written).extracting(CapturedFrame::data).containsExactlyElementsOf(frames);
            assertThat(written).allSatisfy(f -> assertThat(f.timestampNanos()).isEqualTo(1_763_722_841_000_000_000L));
        }
        in.close();
        sink.close();
        assertThat(sink.counters().txPackets).isEqualTo(5);
    }

    @Test
    void pcapngOutputNamesThePortAsItsInterface() throws IOException {
        Path out = dir.resolve("out.pcapng");
        try (PcapPort port = new PcapPort("web1.eth0", null, out)) {
            FrameBatch b = new FrameBatch();
            b.add(TestFrames.arpRequest(), 0, TestFrames.arpRequest().length);
            assertThat(port.transmit(b)).isEqualTo(1);
        }
        try (CaptureReader r = CaptureReader.open(out)) {
            assertThat(r.format()).isEqualTo(CaptureReader.Format.PCAPNG);
            assertThat(r.readAll()).singleElement().satisfies(f -> {
                assertThat(f.interfaceName()).isEqualTo("web1.eth0");
                assertThat(f.data()).isEqualTo(TestFrames.arpRequest());
            });
        }
    }

    @Test
    void pcapngInputIsReplayedToo() throws IOException {
        Path in = dir.resolve("in.pcapng");
        try (PcapngWriter w = PcapngWriter.create(in)) {
            int i = w.addInterface("x");
            w.write(i, 1L, TestFrames.tcpSyn(), 0, TestFrames.tcpSyn().length, null);
        }
        try (PcapPort port = new PcapPort("p1", in, null)) {
            port.startReplay();
            FrameBatch b = new FrameBatch();
            assertThat(port.receive(b)).isEqualTo(1);
            assertThat(b.get(0).toBytes()).isEqualTo(TestFrames.tcpSyn());
        }
    }

    @Test
    void missingInputIsReportedWhenThePortIsMade() {
        Path missing = dir.resolve("nope.pcap");
        org.junit.jupiter.api.Assertions.assertThrows(NoSuchFileException.class, () -> new PcapPort("p1", missing, null));
    }

    @Test
    void aPortWithoutInputHasReplayedNothingAtOnce() throws IOException {
        try (PcapPort port = new PcapPort("p1", null, dir.resolve("o.pcap"))) {
            port.startReplay();
            assertThat(port.replayed()).isCompletedWithValue(0);
        }
        assertThat(Files.size(dir.resolve("o.pcap"))).isEqualTo(24); // just the pcap file header
    }
}
