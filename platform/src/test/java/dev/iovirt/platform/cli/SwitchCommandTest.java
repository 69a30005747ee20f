package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.packet.testing.TestFrames;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class SwitchCommandTest {
    @TempDir
    Path dir;

    @Test
    void malformedPortIsAUsageError() {
        CliRunner r = CliRunner.run("switch", "--listen", "127.0.0.1:0", "--port", "1=in.pcap");
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_USAGE);
        assertThat(r.err()).startsWith("iovirt switch: --port '1=in.pcap' is not N=IN:OUT");
    }

    @Test
    void usageErrorsNameTheOptionAndExitTwo() {
        assertThat(CliRunner.run("switch", "--listen", "127.0.0.1:0", "--port", "0=:o.pcap").err())
                .startsWith("iovirt switch: --port '0=:o.pcap': the port number must be 1..65279");
        assertThat(CliRunner.run("switch", "--listen", "127.0.0.1:0", "--port", "1=:a.pcap", "--port", "1=:b.pcap").err())
                .startsWith("iovirt switch: --port 1 is given twice");
        assertThat(CliRunner.run("switch", "--listen", "1", "--port", "1=a.pcap:", "--port", "2=:a.pcap").err())
                .startsWith("iovirt switch: --port 2: a.pcap is already read or written by another port");
        assertThat(CliRunner.run("switch", "--listen", "1", "--port", "1=a.pcap:a.pcap").err())
                .startsWith("iovirt switch: --port '1=a.pcap:a.pcap' reads and writes the same file");
        assertThat(CliRunner.run("switch", "--listen", "127.0.0.1:0", "--dpid", "0xnothex").err())
                .startsWith("iovirt switch: --dpid '0xnothex' is not a datapath ID");
        assertThat(CliRunner.run("switch", "--listen", "127.0.0.1:0", "--fail-mode", "open").err())
                .startsWith("iovirt switch: --fail-mode 'open' is not secure or standalone");
        assertThat(CliRunner.run("switch", "--controller", "ptcp:6653").err())
                .startsWith("iovirt switch: --controller 'ptcp:6653': a controller is tcp:HOST[:PORT]");
        assertThat(CliRunner.run("switch", "--listen", "127.0.0.1:99999").err())
                .startsWith("iovirt switch: --listen '127.0.0.1:99999': '99999' is not a TCP port");
        assertThat(CliRunner.run("switch", "--listen", "1", "--replay-after", "later").err())
                .startsWith("iovirt switch: --replay-after 'later' is not start, connect, flows or a number of seconds");
        CliRunner nothing = CliRunner.run("switch", "--port", "1=:o.pcap");
        assertThat(nothing.status()).isEqualTo(Iovirt.EXIT_USAGE);
        assertThat(nothing.err()).startsWith("iovirt switch: nothing could program this switch");
    }

    @Test
    void missingInputCaptureIsOneLineAndExitOne() {
        Path missing = dir.resolve("missing.pcap");
        CliRunner r = CliRunner.run("switch", "--listen", "127.0.0.1:0", "--port", "1=" + missing + ":");
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("iovirt switch: " + missing + ": no such file\n");
    }

    @Test
    void outputInAMissingDirectoryIsOneLineAndExitOne() {
        Path out = dir.resolve("no/such/dir/out.pcap");
        CliRunner r = CliRunner.run("switch", "--listen", "127.0.0.1:0", "--port", "1=:" + out);
        assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("iovirt switch: " + out + ": no such file or directory\n");
    }

    @Test
    void listenAddressInUseIsOneLineAndExitOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRunner r = CliRunner.run("switch", "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.status()).isEqualTo(Iovirt.EXIT_FAILURE);
            assertThat(r.err().lines().toList()).last().asString()
                    .startsWith("iovirt switch: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
            assertThat(r.err().lines().filter(l -> !l.contains("listening"))).hasSize(1);
        }
    }

    @Test
    void replaysAnInputCaptureThroughAFlowIntoTheOutputCaptureAndStopsCleanly() throws Exception {
        Path in = dir.resolve("in.pcap");
        Path out = dir.resolve("out.pcap");
        List<byte[]> frames = List.of(TestFrames.udp64(), TestFrames.arpRequest(), TestFrames.tcpSyn());
        try (PcapWriter w = PcapWriter.create(in)) {
            long t = 1_763_722_841_000_000_000L;
            for (byte[] f : frames) {
                w.write(t += 1000, f);
            }
        }
        StringWriter err = new StringWriter();
        CommandLine cl = Iovirt.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        SwitchCommand cmd = cl.getSubcommands().get("switch").getCommand();
        CompletableFuture<Integer> status = CliRunner.inBackground(() -> cl.execute("switch", "-v", "--name", "br7",
                "--dpid", "0xab", "--listen", "127.0.0.1:0", "--port", "1=" + in + ":", "--port", "2=:" + out,
                "--replay-after", "connect"));
        SwitchCommand.Running running = cmd.started.get(10, TimeUnit.SECONDS);
        // Install the flow first, then let a controller connect: the replay starts with the connection.
        running.agent().execute(b -> b.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(1)
                .match(Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build())).get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", running.listening().getPort())) {
            s.setSoTimeout(10_000);
            OfpMessage hello = OfpCodec.decode(readMessage(new DataInputStream(s.getInputStream())));
            assertThat(hello).isInstanceOf(OfpHello.class);
            s.getOutputStream().write(OfpCodec.encode(OfpHello.of(1)));
            assertThat(running.ports().get(0).replayed().get(10, TimeUnit.SECONDS)).isEqualTo(3);
            // A round trip through the mailbox: the batch that ended the replay has been forwarded.
            running.agent().call(b -> null).get(10, TimeUnit.SECONDS);
            // The output is flushed while the switch runs.
            try (CaptureReader r = CaptureReader.open(out)) {
                assertThat(r.readAll()).extracting(CapturedFrame::data).containsExactlyElementsOf(frames);
            }
        }
        cmd.stop.stop();
        assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(err.toString()).contains(
                "iovirt switch: listening on 127.0.0.1:" + running.listening().getPort(),
                "iovirt switch: br7 (dpid 00000000000000ab, fail mode secure) runs with 2 ports; Ctrl-C stops it",
                "iovirt switch: connection from ptcp peer 127.0.0.1:",
                "iovirt switch: replaying " + in + " into port p1",
                "iovirt switch: port p1: replayed 3 frames from " + in,
                "iovirt switch: port p2: rx 0 pkts 0 B (dropped 0, errors 0), tx 3 pkts",
                "iovirt switch: stopped");
        try (CaptureReader r = CaptureReader.open(out)) {
            assertThat(r.readAll()).hasSize(3);
        }
    }

    @Test
    void standaloneWithoutControllersIsALearningSwitch() throws Exception {
        Path in = dir.resolve("in.pcapng");
        Path out = dir.resolve("out.pcapng");
        try (PcapngWriter w = PcapngWriter.create(in)) {
            int i = w.addInterface("eth0");
            w.write(i, 1L, TestFrames.arpRequest(), 0, TestFrames.arpRequest().length, null);
        }
        StringWriter err = new StringWriter();
        CommandLine cl = Iovirt.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        SwitchCommand cmd = cl.getSubcommands().get("switch").getCommand();
        // The replay waits 0.1 s (--replay-after also takes seconds), then the frame floods.
        CompletableFuture<Integer> status = CliRunner.inBackground(() -> cl.execute("switch", "--fail-mode", "standalone",
                "--port", "1=" + in + ":", "--port", "2=:" + out, "--replay-after", "0.1s"));
        try {
            SwitchCommand.Running running = cmd.started.get(10, TimeUnit.SECONDS);
            assertThat(running.ports().get(0).replayed().get(10, TimeUnit.SECONDS)).isEqualTo(1);
            running.agent().call(b -> null).get(10, TimeUnit.SECONDS);
            try (CaptureReader r = CaptureReader.open(out)) {
                assertThat(r.readAll()).singleElement().satisfies(f -> {
                    assertThat(f.data()).isEqualTo(TestFrames.arpRequest()); // flooded by NORMAL
                    assertThat(f.interfaceName()).isEqualTo("p2");
                });
            }
        } finally {
            cmd.stop.stop();
        }
        assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(err.toString()).contains("iovirt switch: fail-open: no controller connected, forwarding as a learning switch",
                "fail mode standalone");
    }

    /** The session of docs/vswitch.md: ovs-ofctl add-flows, then the replay, then dump-flows shows the counts. */
    @Test
    @Tag("interop")
    void ovsOfctlAddFlowsThenTheReplayRunsThroughThem() throws Exception {
        Peers.require("ovs-ofctl", "openvswitch-common");
        Path in = dir.resolve("in.pcap");
        Path out = dir.resolve("out.pcap");
        Files.copy(InspectCommandTest.SAMPLE, in);
        Path flows = dir.resolve("flows.txt");
        Files.writeString(flows, "priority=10,in_port=1,ip,actions=output:2\npriority=5,in_port=1,arp,actions=output:2\n");
        StringWriter err = new StringWriter();
        CommandLine cl = Iovirt.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        SwitchCommand cmd = cl.getSubcommands().get("switch").getCommand();
        CompletableFuture<Integer> status = CliRunner.inBackground(() -> cl.execute("switch", "--listen", "127.0.0.1:0",
                "--port", "1=" + in + ":", "--port", "2=:" + out, "--replay-after", "flows"));
        try {
            SwitchCommand.Running running = cmd.started.get(10, TimeUnit.SECONDS);
            String target = "tcp:127.0.0.1:" + running.listening().getPort();
            Peers.run(20, "ovs-ofctl", "-O", "OpenFlow13", "add-flows", target, flows.toString()).requireSuccess();
            assertThat(running.ports().get(0).replayed().get(10, TimeUnit.SECONDS)).isEqualTo(12);
            running.agent().call(b -> null).get(10, TimeUnit.SECONDS);
            String dump = Peers.run(20, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", target).requireSuccess().stdout();
            assertThat(dump).contains("n_packets=8, n_bytes=597, priority=10,ip,in_port=1 actions=output:2",
                    "n_packets=2, n_bytes=84, priority=5,arp,in_port=1 actions=output:2");
            try (CaptureReader r = CaptureReader.open(out)) {
                assertThat(r.readAll()).hasSize(10);
            }
        } finally {
            cmd.stop.stop();
        }
        assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(err.toString()).contains("iovirt switch: port p2: rx 0 pkts 0 B (dropped 0, errors 0), tx 10 pkts 681 B");
    }

    private static byte[] readMessage(DataInputStream in) throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int len = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
        byte[] m = new byte[len];
        System.arraycopy(header, 0, m, 0, 8);
        in.readFully(m, 8, len - 8);
        return m;
    }
}
