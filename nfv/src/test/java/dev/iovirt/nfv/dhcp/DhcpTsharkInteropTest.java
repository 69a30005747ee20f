package dev.iovirt.nfv.dhcp;

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
import dev.iovirt.packet.testing.Peers;

/** tshark dissects the server's OFFER, ACK and NAK as DHCP with the options we meant, and without a warning. */
@Tag("interop")
class DhcpTsharkInteropTest {
    @Test
    void tsharkDissectsOfferAckAndNakWithoutWarnings(@TempDir Path dir) throws Exception {
        String tshark = Peers.require("tshark", "tshark").toString();
        DhcpServer s = DhcpServerTest.server();
        var out = new Emitted();
        var c = DhcpServerTest.client(1);
        var frames = new ArrayList<byte[]>();
        byte[] discover = DhcpMessages.request(c, 0x11, true, Ipv4Address.ANY, DhcpServer.DISCOVER);
        s.process(0, discover, 0, discover.length, 0, out);
        byte[] offer = out.single().frame();
        Ipv4Address yiaddr = DhcpMessages.parse(offer).yiaddr();
        byte[] request = DhcpMessages.request(c, 0x12, true, Ipv4Address.ANY, DhcpServer.REQUEST, 50, yiaddr, 54, DhcpServerTest.SERVER_IP);
        s.process(0, request, 0, request.length, 0, out);
        byte[] ack = out.single().frame();
        byte[] foreign = DhcpMessages.request(c, 0x13, false, Ipv4Address.ANY, DhcpServer.REQUEST, 50, Ipv4Address.of("192.168.9.9"));
        s.process(0, foreign, 0, foreign.length, 0, out);
        byte[] nak = out.single().frame();
        frames.addAll(List.of(discover, offer, request, ack, foreign, nak));
        Path file = Tshark.pcap(dir, frames);

        List<String> rows = Tshark.fields(tshark, file, "dhcp.option.dhcp", "dhcp.ip.your", "dhcp.option.dhcp_server_id",
                "dhcp.option.ip_address_lease_time", "dhcp.option.subnet_mask", "dhcp.option.router", "dhcp.option.domain_name_server");
        assertThat(rows).hasSize(6);
        assertThat(rows.get(1)).isEqualTo("2|" + yiaddr + "|10.20.0.2|3600|255.255.255.0|10.20.0.1|10.20.0.53");
        assertThat(rows.get(3)).isEqualTo("5|" + yiaddr + "|10.20.0.2|3600|255.255.255.0|10.20.0.1|10.20.0.53");
        assertThat(rows.get(5)).isEqualTo("6|0.0.0.0|10.20.0.2||||");
        assertThat(Tshark.problems(tshark, file)).as("tshark found malformed frames or warnings").isEmpty();
    }
}
