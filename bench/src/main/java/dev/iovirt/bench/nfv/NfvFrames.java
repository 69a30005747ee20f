package dev.iovirt.bench.nfv;

import dev.iovirt.nfv.firewall.Rule;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Rule sets and flow mixes shared by the firewall and NAT benchmarks. */
final class NfvFrames {
    static final MacAddress CLIENT_MAC = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress SERVER_MAC = MacAddress.of("02:00:00:00:00:02");
    static final int TCP_SYN = 0x02;
    static final int TCP_ACK = 0x10;
    static final int TCP_PSH = 0x08;

    private NfvFrames() {
    }

    /**
     * 1,000 rules as an enterprise ACL looks: 990 service rules (allow or deny one TCP/UDP port or a small
     * range from a /16 to a /24), a few ICMP rules, a catch-all allow for the clients' own /8 to the
     * servers' web ports at the very end, so that most new connections are decided late in the list.
     */
    static List<Rule> thousandRules() {
        Random r = new Random(2026);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 990; i++) {
            String proto = r.nextInt(4) == 0 ? "udp" : "tcp";
            int port = 1000 + r.nextInt(20_000);
            String ports = r.nextInt(10) == 0 ? port + "-" + (port + 15) : Integer.toString(port);
            rules.add(Rule.parse((r.nextInt(5) == 0 ? "deny " : "allow ") + proto + " from 172." + (16 + r.nextInt(16))
                    + ".0.0/16 to 192.168." + r.nextInt(256) + ".0/24 port " + ports));
        }
        for (int i = 0; i < 8; i++) {
            rules.add(Rule.parse("allow icmp from 172." + (16 + i) + ".0.0/16"));
        }
        rules.add(Rule.parse("allow tcp from 10.0.0.0/8 to 192.168.0.0/16 port 80-443"));
        rules.add(Rule.parse("allow udp from 10.0.0.0/8 to 192.168.0.0/16 port 53"));
        return rules;
    }

    static int client(int flow) {
        return Ipv4Address.of(10, 1, (flow >>> 8) & 0xFF, flow & 0xFF).bits();
    }

    static int server(int flow) {
        return Ipv4Address.of(192, 168, flow % 64, 10).bits();
    }

    /** Flow {@code i}'s protocol in the mix: 3 in 4 TCP (to port 443), 1 in 4 UDP (to port 53). */
    static boolean isTcp(int flow) {
        return flow % 4 != 3;
    }

    /** A 64-byte (without FCS: 60) frame of flow {@code i}, client → server or back, TCP with {@code flags}. */
    static byte[] frame(int flow, boolean fromClient, int flags) {
        Ipv4Address c = Ipv4Address.of(client(flow));
        Ipv4Address s = Ipv4Address.of(server(flow));
        int cport = 10_000 + flow % 50_000;
        PacketBuilder b = fromClient ? PacketBuilder.ethernet(CLIENT_MAC, SERVER_MAC).ipv4(c, s)
                : PacketBuilder.ethernet(SERVER_MAC, CLIENT_MAC).ipv4(s, c);
        if (isTcp(flow)) {
            b = fromClient ? b.tcp(cport, 443, flags) : b.tcp(443, cport, flags);
        } else {
            b = fromClient ? b.udp(cport, 53) : b.udp(53, cport);
        }
        return b.payload(isTcp(flow) ? 6 : 18).build();
    }

    /** Rewrites a UDP frame's source address and port in place (a new flow per call), checksum left stale. */
    static void renumber(byte[] f, int source, int sourcePort) {
        Bytes.putI32(f, 26, source);
        Bytes.putU16(f, 34, sourcePort);
    }

    static boolean isUdp(byte[] f) {
        return (f[23] & 0xFF) == IpProtocol.UDP;
    }
}
