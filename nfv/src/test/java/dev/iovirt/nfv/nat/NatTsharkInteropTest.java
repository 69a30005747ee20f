package dev.iovirt.nfv.nat;

import static dev.iovirt.nfv.conntrack.Ipv4Packet.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.nfv.Emitted;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.packet.testing.Peers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NAT's rewritten frames as tshark sees them, with checksum validation on: every checksum good. */
@Tag("interop")
class NatTsharkInteropTest {
    static final MacAddress HOST_MAC = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress PEER_MAC = MacAddress.of("02:00:00:00:00:02");
    static final Ipv4Address HOST = Ipv4Address.of("10.0.0.2");
    static final Ipv4Address PEER = Ipv4Address.of("198.51.100.9");
    static final Ipv4Address EXTERNAL = Ipv4Address.of("203.0.113.1");

    @Test
    void tsharkFindsEveryTranslatedChecksumGood(@TempDir Path dir) throws Exception {
        String tshark = Peers.require("tshark", "tshark").toString();
        Nat nat = new Nat(Nat.Config.of(EXTERNAL).withForwards(List.of(new Nat.PortForward(IpProtocol.UDP, 5353, HOST, 53))));
        nat.attach(List.of(MacAddress.of("02:00:00:00:0a:00"), MacAddress.of("02:00:00:00:0a:01")));
        List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            in.add(PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).udp(5000 + i, 53).payload(17 + i).build());
            in.add(PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).tcp(40000 + i, 443, TCP_SYN).seq(1000L * i).build());
            in.add(PacketBuilder.ethernet(HOST_MAC, PEER_MAC).ipv4(HOST, PEER).icmpEcho(true, 0x100 + i, i).payload(31).build());
        }
        Path file = dir.resolve("translated.pcapng");
        int frames = 0;
        try (PcapngWriter w = PcapngWriter.create(file)) {
            int id = w.addInterface("nat.outside");
            for (byte[] f : in) {
                for (Emitted.Frame out : Emitted.run(nat, Nat.INSIDE, f, 0)) {
                    w.write(id, frames++, out.bytes(), 0, out.bytes().length, null);
                }
            }
            // Inbound through the port forward, to the inside server.
            byte[] fwd = PacketBuilder.ethernet(PEER_MAC, MacAddress.of("02:00:00:00:0a:01")).ipv4(PEER, EXTERNAL).udp(6000, 5353)
                    .payload(20).build();
            for (Emitted.Frame out : Emitted.run(nat, Nat.OUTSIDE, fwd, 1)) {
                w.write(id, frames++, out.bytes(), 0, out.bytes().length, null);
            }
        }
        assertThat(frames).isEqualTo(61);
        List<String> rows = Peers.run(30, tshark, "-r", file.toString(), "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E", "separator=|", "-e", "ip.src", "-e", "ip.checksum.status",
                "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e", "icmp.checksum.status").requireSuccess().lines();
        assertThat(rows).hasSize(61);
        for (String row : rows.subList(0, 60)) {
            String[] f = row.split("\\|", -1);
            assertThat(f[0]).as(row).isEqualTo("203.0.113.1");
            // Wireshark's checksum status: 0 bad, 1 good, 2 unverified.
            assertThat(f[1]).as("IPv4 checksum: " + row).isEqualTo("1");
            assertThat(f[2] + f[3] + f[4]).as("exactly one L4 checksum, good: " + row).isEqualTo("1");
        }
        assertThat(rows.get(60)).startsWith("198.51.100.9|1|1");
    }
}
