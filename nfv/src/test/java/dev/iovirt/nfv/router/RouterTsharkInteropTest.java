package dev.iovirt.nfv.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.iovirt.nfv.lb.Emitted;
import dev.iovirt.nfv.lb.Tshark;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.Peers;

/** tshark dissects the router's ICMP messages (time exceeded, unreachable, echo reply) with their quoted datagrams, without a warning. */
@Tag("interop")
class RouterTsharkInteropTest {
    @Test
    void tsharkDissectsTheRoutersIcmpWithoutWarnings(@TempDir Path dir) throws Exception {
        String tshark = Peers.require("tshark", "tshark").toString();
        Router r = RouterTest.router(false);
        var out = new Emitted();
        var frames = new ArrayList<byte[]>();
        byte[] expiring = RouterTest.udpFromA(RouterTest.HOST_B_IP, 1);
        byte[] lost = PacketBuilder.ethernet(RouterTest.HOST_A, RouterTest.R0).ipv4(RouterTest.HOST_A_IP, Ipv4Address.of("8.8.8.8"))
                .tcp(40000, 443, 0x02).build();
        byte[] ping = PacketBuilder.ethernet(RouterTest.HOST_A, RouterTest.R0).ipv4(RouterTest.HOST_A_IP, RouterTest.R0_IP)
                .icmpEcho(true, 9, 1).payload(32).build();
        for (byte[] f : List.of(expiring, lost, ping)) {
            frames.add(f.clone());
            r.process(0, f, 0, f.length, 0, out);
            frames.add(out.single().frame());
        }
        Path file = Tshark.pcap(dir, frames);
        List<String> rows = Tshark.fields(tshark, file, "icmp.type", "icmp.code", "ip.src");
        assertThat(rows.get(1)).isEqualTo("11|0|10.0.0.1,10.0.0.10");
        assertThat(rows.get(3)).isEqualTo("3|0|10.0.0.1,10.0.0.10");
        assertThat(rows.get(5)).isEqualTo("0|0|10.0.0.1");
        assertThat(Tshark.problems(tshark, file)).as("tshark found malformed frames or warnings").isEmpty();
    }
}
