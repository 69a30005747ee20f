package dev.iovirt.nfv.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.Peers;

/** tshark checks the checksums of frames the load balancer rewrote (DNAT, SNAT, TCP and UDP) and of its probes. */
@Tag("interop")
class LoadBalancerTsharkInteropTest {
    @Test
    void tsharkFindsTheRewrittenFramesChecksumsValid(@TempDir Path dir) throws Exception {
        String tshark = Peers.require("tshark", "tshark").toString();
        var frames = new ArrayList<byte[]>();
        var out = new Emitted();
        var tcp = new LoadBalancer(LoadBalancerTest.config(IpProtocol.TCP, 8080, true));
        byte[] syn = LoadBalancerTest.syn(LoadBalancerTest.client(1), 33333, LoadBalancerTest.LB0);
        tcp.process(0, syn, 0, syn.length, 0, out);
        int b = tcp.backendOf(LoadBalancerTest.client(1), 33333);
        byte[] synAck = LoadBalancerTest.backendReply(b, 8080, LoadBalancerTest.client(1), 33333, 0x12);
        tcp.process(1, synAck, 0, synAck.length, 0, out);
        tcp.tick(0, out);
        var udp = new LoadBalancer(LoadBalancerTest.config(IpProtocol.UDP, 0, true));
        byte[] q = PacketBuilder.ethernet(LoadBalancerTest.CLIENT_MAC, LoadBalancerTest.LB0)
                .ipv4(LoadBalancerTest.client(2), LoadBalancerTest.VIP).udp(40001, 80).payload(17).build();
        udp.process(0, q, 0, q.length, 0, out);
        for (Emitted.Out o : out.take()) {
            frames.add(o.frame());
        }
        assertThat(frames).hasSize(2 + 4 + 1);
        Path file = Tshark.pcap(dir, frames);
        List<String> rows = Tshark.fields(tshark, file, "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport");
        assertThat(rows.get(0)).isEqualTo("192.168.0.1|10.0.1." + (10 + b) + "|33333|8080");
        assertThat(rows.get(1)).isEqualTo("10.0.0.100|192.168.0.1|80|33333");
        assertThat(Tshark.problems(tshark, file)).as("tshark found malformed frames or warnings").isEmpty();
    }
}
