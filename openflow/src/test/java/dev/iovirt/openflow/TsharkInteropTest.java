package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's {@code openflow_v4} dissector as a second, independent oracle: every sample message,
 * carried in one TCP stream to port 6653 in a pcap file, must dissect without a malformed-packet
 * mark or an expert warning.
 */
@Tag("interop")
class TsharkInteropTest {
    private static final MacAddress CONTROLLER_MAC = MacAddress.of("02:00:00:00:00:01");
    private static final MacAddress SWITCH_MAC = MacAddress.of("02:00:00:00:00:02");
    private static final Ipv4Address CONTROLLER = Ipv4Address.of("10.0.0.1");
    private static final Ipv4Address SWITCH = Ipv4Address.of("10.0.0.2");
    private static final int SEGMENT = 1400;

    @Test
    void everySampleDissectsCleanlyInTshark(@TempDir Path dir) throws IOException {
        Peers.require("tshark", "tshark");
        List<OfpMessage> messages = Samples.all();
        Path pcap = dir.resolve("openflow.pcap");
        Files.write(pcap, capture(messages));

        Peers.Result problems = Peers.run(60, "tshark", "-r", pcap.toString(), "-Y",
                "_ws.malformed || _ws.expert.severity >= warning").requireSuccess();
        assertThat(problems.stdout()).as(problems.stdout()).isEmpty();

        Peers.Result types = Peers.run(60, "tshark", "-r", pcap.toString(), "-Y", "openflow_v4", "-T", "fields",
                "-e", "openflow_v4.xid", "-E", "occurrence=a").requireSuccess();
        long dissected = types.lines().stream().flatMap(l -> Arrays.stream(l.split(","))).filter(s -> !s.isBlank()).count();
        // One more than we sent: the OFPT_ERROR sample carries a whole BARRIER_REQUEST, dissected too.
        assertThat(dissected).as(types.stdout()).isEqualTo(messages.size() + 1);
    }

    /** A classic pcap of a TCP connection from a controller to port 6653 that carries {@code messages}. */
    private static byte[] capture(List<OfpMessage> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1); // LINKTYPE_ETHERNET
        out.writeBytes(header.array());
        long cSeq = 1000;
        long sSeq = 5000;
        int[] t = {0};
        record(out, t, segment(true, 0x02, cSeq, 0, new byte[0]));
        record(out, t, segment(false, 0x12, sSeq, cSeq + 1, new byte[0]));
        cSeq++;
        sSeq++;
        record(out, t, segment(true, 0x10, cSeq, sSeq, new byte[0]));
        for (OfpMessage m : messages) {
            byte[] wire = OfpCodec.encode(m);
            for (int off = 0; off < wire.length; off += SEGMENT) {
                byte[] part = Arrays.copyOfRange(wire, off, Math.min(wire.length, off + SEGMENT));
                record(out, t, segment(true, 0x18, cSeq, sSeq, part));
                cSeq += part.length;
                record(out, t, segment(false, 0x10, sSeq, cSeq, new byte[0]));
            }
        }
        return out.toByteArray();
    }

    private static byte[] segment(boolean fromController, int flags, long seq, long ack, byte[] payload) {
        return PacketBuilder.ethernet(fromController ? CONTROLLER_MAC : SWITCH_MAC, fromController ? SWITCH_MAC : CONTROLLER_MAC)
                .ipv4(fromController ? CONTROLLER : SWITCH, fromController ? SWITCH : CONTROLLER).dontFragment(true)
                .tcp(fromController ? 40000 : 6653, fromController ? 6653 : 40000, flags).seq(seq).ack(ack)
                .payload(payload).build();
    }

    private static void record(ByteArrayOutputStream out, int[] t, byte[] frame) {
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(1_700_000_000).putInt(t[0]++).putInt(frame.length).putInt(frame.length);
        out.writeBytes(h.array());
        out.writeBytes(frame);
    }
}
