package dev.iovirt.packet.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.Vni;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.packet.testing.TestFrames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our pcapng files, as tshark reads them: every field we wrote, and not one warning. */
@Tag("interop")
class TsharkInteropTest {
    @TempDir
    Path dir;

    private static final long T0 = 1_763_722_841_000_000_001L;

    @Test
    void tsharkDissectsEveryFrameOfOurPcapngFieldByField() throws IOException {
        String tshark = Peers.require("tshark", "tshark").toString();
        Path file = dir.resolve("mixed.pcapng");
        byte[] vxlanInner = TestFrames.udp(1234, 5432, 10);
        byte[][] frames = {
            TestFrames.arpRequest(),
            TestFrames.arpReply(),
            TestFrames.icmpEchoRequest(77, 1),
            PacketBuilder.ethernet(TestFrames.MAC_B, TestFrames.MAC_A).ipv4(TestFrames.IP_B, TestFrames.IP_A)
                    .icmpEcho(false, 77, 1).payload(56).build(),
            TestFrames.udp64(),
            TestFrames.tcpSyn(),
            TestFrames.vlanUdp(100),
            PacketBuilder.ethernet(TestFrames.MAC_VTEP_1, TestFrames.MAC_VTEP_2).ipv4(TestFrames.VTEP_1, TestFrames.VTEP_2)
                    .udp(49152, 4789).vxlan(Vni.of(5001)).payload(vxlanInner).build(),
        };
        try (PcapngWriter w = PcapngWriter.create(file)) {
            int vnic = w.addInterface("web1.eth0");
            int tunnel = w.addInterface("hv1.vxlan0");
            for (int i = 0; i < frames.length; i++) {
                boolean last = i == frames.length - 1;
                w.write(last ? tunnel : vnic, T0 + i * 1000L, frames[i], 0, frames[i].length, "frame " + i);
            }
        }

        List<String> rows = Peers.run(30, tshark, "-r", file.toString(), "-T", "fields", "-E", "separator=|",
                "-e", "frame.interface_name", "-e", "frame.comment", "-e", "frame.time_epoch", "-e", "frame.len",
                "-e", "eth.src", "-e", "eth.dst", "-e", "vlan.id", "-e", "vlan.priority",
                "-e", "arp.opcode", "-e", "arp.src.proto_ipv4", "-e", "arp.dst.proto_ipv4",
                "-e", "ip.src", "-e", "ip.dst", "-e", "ip.ttl", "-e", "ip.checksum.status",
                "-e", "icmp.type", "-e", "icmp.ident", "-e", "icmp.seq",
                "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags",
                "-e", "tcp.seq_raw", "-e", "vxlan.vni")
                .requireSuccess().lines();
        assertThat(rows).hasSize(frames.length);
        String[][] f = rows.stream().map(r -> r.split("\\|", -1)).toArray(String[][]::new);

        for (int i = 0; i < frames.length; i++) {
            assertThat(f[i][0]).isEqualTo(i == frames.length - 1 ? "hv1.vxlan0" : "web1.eth0");
            assertThat(f[i][1]).isEqualTo("frame " + i);
            assertThat(f[i][2]).isEqualTo(String.format("%d.%09d", (T0 + i * 1000L) / 1_000_000_000L, (T0 + i * 1000L) % 1_000_000_000L));
            assertThat(f[i][3]).isEqualTo(Integer.toString(frames[i].length));
        }
        // ARP request and reply
        assertThat(f[0][4]).isEqualTo("02:00:00:00:00:0a");
        assertThat(f[0][5]).isEqualTo("ff:ff:ff:ff:ff:ff");
        assertThat(f[0][8]).isEqualTo("1");
        assertThat(f[0][9]).isEqualTo("10.0.0.1");
        assertThat(f[0][10]).isEqualTo("10.0.0.2");
        assertThat(f[1][8]).isEqualTo("2");
        // ICMP echo request and reply
        assertThat(f[2][11]).isEqualTo("10.0.0.1");
        assertThat(f[2][12]).isEqualTo("10.0.0.2");
        assertThat(f[2][13]).isEqualTo("64");
        assertThat(f[2][15]).isEqualTo("8");
        assertThat(f[2][16]).isEqualTo("77");
        assertThat(f[2][17]).isEqualTo("1");
        assertThat(f[3][15]).isEqualTo("0");
        // UDP
        assertThat(f[4][18]).isEqualTo("5000");
        assertThat(f[4][19]).isEqualTo("9000");
        // TCP SYN
        assertThat(f[5][20]).isEqualTo("40000");
        assertThat(f[5][21]).isEqualTo("80");
        assertThat(f[5][22]).isEqualTo("0x0002");
        assertThat(f[5][23]).isEqualTo("1000");
        // 802.1Q
        assertThat(f[6][6]).isEqualTo("100");
        assertThat(f[6][7]).isEqualTo("5");
        assertThat(f[6][19]).isEqualTo("9999");
        // VXLAN: outer then inner addresses; tshark lists both layers' values comma-separated
        assertThat(f[7][24]).isEqualTo("5001");
        assertThat(f[7][11]).isEqualTo("192.168.100.1,10.0.0.1");
        assertThat(f[7][19]).isEqualTo("4789,5432");
        assertThat(f[7][4]).isEqualTo("02:00:00:00:01:01,02:00:00:00:00:0a");

        List<String> problems = Peers.run(30, tshark, "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                "-Y", "_ws.malformed || _ws.expert.severity >= warning").requireSuccess().lines();
        assertThat(problems).as("tshark found malformed frames or warnings").isEmpty();
    }

    @Test
    void tsharkReadsOurClassicPcap() throws IOException {
        String tshark = Peers.require("tshark", "tshark").toString();
        Path file = dir.resolve("a.pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            w.write(T0, TestFrames.udp64());
            w.write(T0 + 5, TestFrames.tcpSyn());
        }
        List<String> rows = Peers.run(30, tshark, "-r", file.toString(), "-T", "fields", "-e", "frame.time_epoch",
                "-e", "ip.proto").requireSuccess().lines();
        assertThat(rows).containsExactly("1763722841.000000001\t17", "1763722841.000000006\t6");
    }
}
