package dev.iovirt.vswitch.interop;

import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.packet.testing.Peers;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Open vSwitch 3.x for a test: ovsdb-server and ovs-vswitchd (userspace netdev datapath,
 * dummy ports) in a temporary directory, the daemon in a network namespace of its own so that it
 * cannot clash with another test's (PEERS.md: one netdev ovs-vswitchd per namespace). OpenFlow
 * messages go to the bridge over its management socket ({@code br0.mgmt}) with our codec; every
 * process is stopped by its PID.
 */
final class OvsSandbox implements AutoCloseable {
    private final Path dir;
    private final String netns;
    private SocketChannel mgmt;
    private int xid = 1000;

    private OvsSandbox(Path dir, String netns) {
        this.dir = dir;
        this.netns = netns;
    }

    /** Starts OVS with bridge br0 (OpenFlow 1.3, fail-mode secure) and dummy ports p1..p{ports} at ofport 1..n. */
    static OvsSandbox start(int ports) throws IOException {
        Peers.require("ovs-vswitchd", "openvswitch-switch");
        Peers.require("ip", "iproute2");
        OvsSandbox s = new OvsSandbox(Files.createTempDirectory("ovs-vswitch"), "vsw" + ProcessHandle.current().pid());
        try {
            s.run("ip", "netns", "add", s.netns);
            s.run("ovsdb-tool", "create", s.dir + "/conf.db", "/usr/share/openvswitch/vswitch.ovsschema");
            s.run("ovsdb-server", s.dir + "/conf.db", "--remote=punix:" + s.dir + "/db.sock", "--pidfile", "--detach", "--log-file");
            s.run("ovs-vsctl", "--no-wait", "init");
            s.run("ip", "netns", "exec", s.netns, "ovs-vswitchd", "--enable-dummy", "unix:" + s.dir + "/db.sock",
                    "--pidfile", "--detach", "--log-file");
            s.run("ovs-vsctl", "add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev",
                    "protocols=OpenFlow13", "fail-mode=secure", "other-config:datapath-id=0000000000000001");
            for (int i = 1; i <= ports; i++) {
                s.run("ovs-vsctl", "add-port", "br0", "p" + i, "--", "set", "interface", "p" + i, "type=dummy",
                        "ofport_request=" + i);
            }
            s.mgmt = SocketChannel.open(StandardProtocolFamily.UNIX);
            s.mgmt.connect(UnixDomainSocketAddress.of(s.dir.resolve("br0.mgmt")));
            s.send(OfpHello.of(1));
            s.receive();
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** Runs a command with the sandbox's OVS environment; returns its output, failing the test on a non-zero exit. */
    String run(String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String v : List.of("OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR", "OVS_SYSCONFDIR")) {
            pb.environment().put(v, dir.toString());
        }
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends messages and waits for the barrier after them; returns any error OVS answered with
     * (none expected for a valid flow table).
     */
    List<OfpError> apply(List<? extends OfpMessage> messages) throws IOException {
        for (OfpMessage m : messages) {
            send(m);
        }
        int barrier = ++xid;
        send(new OfpBarrierRequest(barrier));
        List<OfpError> errors = new ArrayList<>();
        while (true) {
            OfpMessage m = receive();
            if (m instanceof OfpError e) {
                errors.add(e);
            } else if (m instanceof OfpBarrierReply r && r.xid() == barrier) {
                return errors;
            }
        }
    }

    private void send(OfpMessage m) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(OfpCodec.encode(m));
        while (b.hasRemaining()) {
            mgmt.write(b);
        }
    }

    private OfpMessage receive() throws IOException {
        ByteBuffer header = readFully(8);
        int length = Short.toUnsignedInt(header.getShort(2));
        byte[] all = new byte[length];
        header.get(0, all, 0, 8);
        readFully(length - 8).get(0, all, 8, length - 8);
        try {
            return OfpCodec.decode(all);
        } catch (OfpException e) {
            throw new AssertionError("undecodable message from OVS: " + e.getMessage(), e);
        }
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (mgmt.read(b) < 0) {
                throw new IOException("Open vSwitch closed its management connection");
            }
        }
        return b.flip();
    }

    @Override
    public void close() throws IOException {
        if (mgmt != null) {
            mgmt.close();
        }
        for (String pidFile : List.of("ovs-vswitchd.pid", "ovsdb-server.pid")) {
            Path p = dir.resolve(pidFile);
            if (Files.exists(p)) {
                long pid = Long.parseLong(Files.readString(p).trim());
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
                });
            }
        }
        try {
            new ProcessBuilder("ip", "netns", "del", netns).start().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
