package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.packet.testing.TestFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    /** Made by samples/capture/make_sample.py with scapy; the README's first command reads it. */
    static final Path SAMPLE = Path.of("..", "samples", "capture", "sample.pcap");

    @TempDir
    Path dir;

    @Test
    void printsOneTcpdumpStyleLinePerFrameOfTheScapySample() {
        CliRunner r = CliRunner.run("inspect", SAMPLE.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).containsExactly(
                "11:00:41.000000 02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, ARP, length 42: Request who-has 10.0.1.12 tell 10.0.1.11, length 28",
                "11:00:41.001001 02:00:00:00:00:0b > 02:00:00:00:00:0a, ARP, length 42: Reply 10.0.1.12 is-at 02:00:00:00:00:0b, length 28",
                "11:00:41.002002 02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, length 98: 10.0.1.11 > 10.0.1.12: ICMP echo request, id 4660, seq 1, length 64",
                "11:00:41.003003 02:00:00:00:00:0b > 02:00:00:00:00:0a, IPv4, length 98: 10.0.1.12 > 10.0.1.11: ICMP echo reply, id 4660, seq 1, length 64",
                "11:00:41.004004 02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, length 54: 10.0.1.11.40000 > 10.0.1.12.80: Flags [S], seq 1000, win 64240, length 0",
                "11:00:41.005005 02:00:00:00:00:0b > 02:00:00:00:00:0a, IPv4, length 54: 10.0.1.12.80 > 10.0.1.11.40000: Flags [S.], seq 5000, ack 1001, win 65160, length 0",
                "11:00:41.006006 02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, length 54: 10.0.1.11.40000 > 10.0.1.12.80: Flags [.], seq 1001, ack 5001, win 502, length 0",
                "11:00:41.007007 02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, length 75: 10.0.1.11.33000 > 10.0.1.12.53: UDP, length 33",
                "11:00:41.008008 02:00:00:00:00:0a > 02:00:00:00:00:0b, 802.1Q vlan 100, p 3, IPv4, length 64: 10.0.1.11.5000 > 10.0.1.12.9000: UDP, length 18",
                "11:00:41.009009 02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv6, length 62: 2001:db8::a > 2001:db8::b: ICMP6, echo request, id 7, seq 1, length 8",
                "11:00:41.010010 02:00:00:00:00:0b > 02:00:00:00:00:0a, IPv6, length 62: 2001:db8::b > 2001:db8::a: ICMP6, echo reply, id 7, seq 1, length 8",
                "11:00:41.011011 02:00:00:00:01:01 > 02:00:00:00:01:02, IPv4, length 100: 192.168.100.1.49152 > 192.168.100.2.4789: "
                        + "VXLAN, flags [I] (0x0c), vni 1001: 02:00:00:00:00:0a > 02:00:00:00:00:15, IPv4, length 50: "
                        + "10.0.1.11.41000 > 10.0.2.21.5432: UDP, length 8");
    }

    @Test
    void filterSelectsFramesWithTcpdumpSyntax() {
        CliRunner r = CliRunner.run("inspect", "--filter", "icmp or icmp6", SAMPLE.toString());
        assertThat(r.status()).isZero();
        assertThat(r.outLines()).hasSize(4).allMatch(l -> l.contains("ICMP"));
        r = CliRunner.run("inspect", "-f", "udp port 4789", SAMPLE.toString());
        assertThat(r.outLines()).singleElement().asString().contains("vni 1001");
        r = CliRunner.run("inspect", "-f", "vlan 100", SAMPLE.toString());
        assertThat(r.outLines()).singleElement().asString().contains("802.1Q vlan 100");
    }

    @Test
    void countStopsAfterNPrintedFrames() {
        CliRunner r = CliRunner.run("inspect", "-c", "2", "-f", "tcp", SAMPLE.toString());
        assertThat(r.outLines()).hasSize(2).allMatch(l -> l.contains("Flags ["));
    }

    @Test
    void verboseAddsTheFullDissection() {
        CliRunner r = CliRunner.run("inspect", "-v", "-c", "1", "-f", "arp", SAMPLE.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("[Ethernet Header", "Type: 0x0806 (ARP)", "[ARP Header", "Operation: 1 (REQUEST)",
                "Destination protocol address: /10.0.1.12");
    }

    @Test
    void pcapngShowsInterfaceNamesAndComments() throws IOException {
        Path f = dir.resolve("two.pcapng");
        try (PcapngWriter w = PcapngWriter.create(f)) {
            int eth0 = w.addInterface("web1.eth0");
            w.write(eth0, 1_763_722_841_000_001_000L, TestFrames.udp64(), 0, 60, "hop 1");
        }
        CliRunner r = CliRunner.run("inspect", f.toString());
        assertThat(r.outLines()).containsExactly("11:00:41.000001 web1.eth0 02:00:00:00:00:0a > 02:00:00:00:00:0b, IPv4, "
                + "length 60: 10.0.0.1.5000 > 10.0.0.2.9000: UDP, length 18  # hop 1");
    }

    @Test
    void missingFileIsOneLineAndExitOne() {
        CliRunner r = CliRunner.run("inspect", dir.resolve("nope.pcap").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("iovirt inspect: " + dir.resolve("nope.pcap") + ": no such file\n");
    }

    @Test
    void notACaptureIsOneLineAndExitOne() throws IOException {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "just some text\n");
        CliRunner r = CliRunner.run("inspect", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("iovirt inspect: " + f + ": not a pcap or pcapng file (magic 0x6a757374)\n");
    }

    @Test
    void truncatedCapturePrintsWhatItCanThenFails() throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLE);
        Path f = dir.resolve("cut.pcap");
        Files.write(f, java.util.Arrays.copyOf(whole, whole.length - 10));
        CliRunner r = CliRunner.run("inspect", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.outLines()).hasSize(11);
        assertThat(r.err()).startsWith("iovirt inspect: " + f + ": truncated pcap record data at offset").endsWith("\n");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void directoryIsRefused() {
        CliRunner r = CliRunner.run("inspect", dir.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("is a directory");
    }

    @Test
    void badFilterIsOneLineAndExitOne() {
        CliRunner r = CliRunner.run("inspect", "-f", "udp prot 53", SAMPLE.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("iovirt inspect: bad filter 'udp prot 53': ").contains("syntax error");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void usageErrorsExitTwo() {
        CliRunner r = CliRunner.run("inspect");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'FILE'", "Try 'iovirt inspect --help'");
        r = CliRunner.run("inspect", "-c", "0", SAMPLE.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--count must be a positive number, not 0");
        r = CliRunner.run("inspect", "-c", "many", SAMPLE.toString());
        assertThat(r.status()).isEqualTo(2);
    }
}
