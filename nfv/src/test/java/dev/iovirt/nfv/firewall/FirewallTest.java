package dev.iovirt.nfv.firewall;

import static dev.iovirt.nfv.conntrack.Ipv4Packet.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.iovirt.nfv.Emitted;
import dev.iovirt.nfv.conntrack.Timeouts;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FirewallTest {
    static final long S = 1_000_000_000L;
    static final MacAddress MAC_C = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress MAC_S = MacAddress.of("02:00:00:00:00:02");
    static final Ipv4Address CLIENT = Ipv4Address.of("10.0.1.5");
    static final Ipv4Address SERVER = Ipv4Address.of("10.0.2.7");

    static Firewall firewall(String... rules) {
        List<Rule> l = new ArrayList<>();
        for (String r : rules) {
            l.add(Rule.parse(r));
        }
        return new Firewall(Firewall.Config.of(l));
    }

    static byte[] udp(boolean fromClient, int clientPort, int serverPort) {
        return fromClient
                ? PacketBuilder.ethernet(MAC_C, MAC_S).ipv4(CLIENT, SERVER).udp(clientPort, serverPort).payload(20).build()
                : PacketBuilder.ethernet(MAC_S, MAC_C).ipv4(SERVER, CLIENT).udp(serverPort, clientPort).payload(20).build();
    }

    static byte[] tcp(boolean fromClient, int flags) {
        return fromClient
                ? PacketBuilder.ethernet(MAC_C, MAC_S).ipv4(CLIENT, SERVER).tcp(40000, 443, flags).build()
                : PacketBuilder.ethernet(MAC_S, MAC_C).ipv4(SERVER, CLIENT).tcp(443, 40000, flags).build();
    }

    @Test
    void deniedConnectionIsBlockedAndCountedOnItsRule() {
        Firewall fw = firewall("deny udp to 10.0.2.0/24 port 53", "allow udp");
        byte[] f = udp(true, 5000, 53);
        assertTrue(Emitted.run(fw, 0, f, 0).isEmpty());
        assertEquals(1, fw.ruleCounters().get(0).packets());
        assertEquals(f.length - 14, fw.ruleCounters().get(0).bytes(), "bytes are the IPv4 total length");
        assertEquals(0, fw.ruleCounters().get(1).packets());
        assertEquals(0, fw.tracker().table().size());
    }

    @Test
    void noMatchingRuleMeansDeny() {
        Firewall fw = firewall("allow tcp to any port 443");
        assertTrue(Emitted.run(fw, 0, udp(true, 5000, 443), 0).isEmpty());
        assertEquals(1, fw.defaultDenied());
    }

    @Test
    void allowedConnectionsRepliesPassWithoutTouchingTheRules() {
        Firewall fw = firewall("allow udp from 10.0.1.0/24 to 10.0.2.0/24 port 53");
        List<Emitted.Frame> out = Emitted.run(fw, 0, udp(true, 5000, 53), 0);
        assertEquals(1, out.size());
        assertEquals(1, out.get(0).port());
        assertArrayEquals(udp(true, 5000, 53), out.get(0).bytes(), "a firewall forwards frames unchanged");
        out = Emitted.run(fw, 1, udp(false, 5000, 53), S);
        assertEquals(1, out.size());
        assertEquals(0, out.get(0).port());
        Emitted.run(fw, 0, udp(true, 5000, 53), 2 * S);
        assertEquals(1, fw.ruleCounters().get(0).packets(), "only the first packet met the rules");
        assertEquals(3, fw.passed());
    }

    @Test
    void unsolicitedReplyDirectionPacketIsBlocked() {
        Firewall fw = firewall("allow udp from 10.0.1.0/24 to 10.0.2.0/24 port 53");
        assertTrue(Emitted.run(fw, 1, udp(false, 5000, 53), 0).isEmpty());
        assertEquals(1, fw.defaultDenied());
    }

    @Test
    void replyArrivingOnTheOriginatorsSideIsDropped() {
        Firewall fw = firewall("allow udp");
        Emitted.run(fw, 0, udp(true, 5000, 53), 0);
        assertTrue(Emitted.run(fw, 0, udp(false, 5000, 53), 1).isEmpty());
        assertEquals(1, fw.invalidDropped());
    }

    @Test
    void tcpHandshakePassesAndABareAckWithoutConnectionIsInvalid() {
        Firewall fw = firewall("allow tcp to 10.0.2.7 port 443");
        assertTrue(Emitted.run(fw, 0, tcp(true, TCP_ACK), 0).isEmpty());
        assertEquals(1, fw.invalidDropped());
        assertEquals(0, fw.ruleCounters().get(0).packets(), "invalid packets never reach the rules");
        assertEquals(1, Emitted.run(fw, 0, tcp(true, TCP_SYN), 1).size());
        assertEquals(1, Emitted.run(fw, 1, tcp(false, TCP_SYN | TCP_ACK), 2).size());
        assertEquals(1, Emitted.run(fw, 0, tcp(true, TCP_ACK), 3).size());
        assertTrue(Emitted.run(fw, 1, tcp(false, TCP_SYN), 4).isEmpty(), "a SYN from the responder in ESTABLISHED");
        assertEquals(2, fw.invalidDropped());
    }

    @Test
    void connectionsExpireOnVirtualTimeAndThenRepliesAreBlocked() {
        Firewall fw = firewall("allow udp from 10.0.1.0/24");
        Emitted out = new Emitted();
        Emitted.run(fw, 0, udp(true, 5000, 53), 0);
        fw.tick(29 * S, out);
        assertEquals(1, fw.tracker().table().size());
        fw.tick(30 * S, out);
        assertEquals(0, fw.tracker().table().size());
        assertTrue(Emitted.run(fw, 1, udp(false, 5000, 53), 31 * S).isEmpty());
    }

    @Test
    void arpPassesUnchangedAndOtherEtherTypesAreDropped() {
        Firewall fw = firewall();
        byte[] arp = PacketBuilder.ethernet(MAC_C, MacAddress.BROADCAST).arp(1, MAC_C, CLIENT, MacAddress.ZERO, SERVER).build();
        List<Emitted.Frame> out = Emitted.run(fw, 0, arp, 0);
        assertEquals(1, out.size());
        assertArrayEquals(arp, out.get(0).bytes());
        byte[] v6 = PacketBuilder.ethernet(MAC_C, MAC_S).ipv6(dev.iovirt.packet.Ipv6Address.of("2001:db8::1"),
                dev.iovirt.packet.Ipv6Address.of("2001:db8::2")).udp(1, 2).build();
        assertTrue(Emitted.run(fw, 0, v6, 0).isEmpty());
        assertEquals(1, fw.counters().get("non-ipv4-dropped"));
    }

    @Test
    void fullConnectionTableRefusesNewConnectionsAndCountsThem() {
        Firewall fw = new Firewall(new Firewall.Config(List.of(Rule.parse("allow udp")), 2, Timeouts.linuxDefaults()));
        assertEquals(1, Emitted.run(fw, 0, udp(true, 1, 53), 0).size());
        assertEquals(1, Emitted.run(fw, 0, udp(true, 2, 53), 0).size());
        assertTrue(Emitted.run(fw, 0, udp(true, 3, 53), 0).isEmpty());
        assertEquals(1, fw.tableFullDropped());
        assertEquals(1, Emitted.run(fw, 0, udp(true, 1, 53), 1).size(), "existing connections still pass");
    }

    @Test
    void malformedFramesAreDroppedAndCountedNeverThrown() {
        Firewall fw = firewall("allow any");
        Random random = new Random(1);
        byte[] good = tcp(true, TCP_SYN);
        long before = fw.counters().get("malformed-dropped");
        for (int i = 0; i < 20_000; i++) {
            byte[] f = good.clone();
            int len = random.nextInt(f.length + 1);
            for (int k = 0; k < 4; k++) {
                f[14 + random.nextInt(f.length - 14)] = (byte) random.nextInt();
            }
            fw.process(random.nextInt(2), f, 0, len, i, (p, b, o, l) -> { });
        }
        assertTrue(fw.counters().get("malformed-dropped") > before);
    }

    @Test
    void thousandRuleSetPicksTheFirstMatchingRule() {
        List<Rule> rules = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 1_000; i++) {
            String proto = switch (random.nextInt(5)) {
                case 0 -> "udp";
                case 1 -> "icmp";
                default -> "tcp";
            };
            String from = random.nextInt(3) == 0 ? "any" : "10." + random.nextInt(4) + ".0.0/16";
            String to = "10.0." + random.nextInt(8) + ".0/24";
            String port = proto.equals("icmp") ? "" : random.nextInt(10) == 0 ? " port 1000-1999" : " port " + (1 + random.nextInt(200));
            rules.add(Rule.parse((random.nextInt(4) == 0 ? "deny " : "allow ") + proto + " from " + from + " to " + to + port));
        }
        RuleSet set = new RuleSet(rules);
        for (int i = 0; i < 100_000; i++) {
            int proto = switch (random.nextInt(4)) {
                case 0 -> IpProtocol.UDP;
                case 1 -> IpProtocol.ICMP;
                case 2 -> 47;
                default -> IpProtocol.TCP;
            };
            int src = Ipv4Address.of(10, random.nextInt(5), random.nextInt(3), 1 + random.nextInt(5)).bits();
            int dst = Ipv4Address.of(10, 0, random.nextInt(9), 1 + random.nextInt(5)).bits();
            int sport = random.nextInt(65536);
            int dport = random.nextInt(3) == 0 ? 1000 + random.nextInt(1200) : random.nextInt(220);
            assertEquals(set.matchLinear(proto, src, dst, sport, dport), set.match(proto, src, dst, sport, dport));
        }
        // And a specific one: rule 999 is the only rule for this port.
        rules.set(999, Rule.parse("allow tcp from 192.168.0.0/16 to 172.16.0.1 port 65000"));
        Firewall fw = new Firewall(Firewall.Config.of(rules));
        byte[] f = PacketBuilder.ethernet(MAC_C, MAC_S).ipv4(Ipv4Address.of("192.168.3.3"), Ipv4Address.of("172.16.0.1"))
                .tcp(1234, 65000, TCP_SYN).build();
        assertEquals(1, Emitted.run(fw, 0, f, 0).size());
        assertEquals(1, fw.ruleCounters().get(999).packets());
    }

    @Test
    void ruleTextRoundTripsAndMistakesAreExplained() {
        for (String s : List.of("allow udp from 10.0.1.0/24 to 10.0.2.0/24 port 5432", "deny tcp to any port 6000-6063", "allow icmp",
                "deny any", "allow tcp from 10.0.0.1 port 1024-65535")) {
            assertEquals(s, Rule.parse(s).toString());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rule.parse("allow icmp to any port 5")).getMessage()
                .contains("tcp or udp"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rule.parse("permit udp")).getMessage().contains("permit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rule.parse("allow udp to 10.0.0.300/24")).getMessage()
                .contains("10.0.0.300/24"));
    }
}
