package dev.iovirt.controller.testing;

import dev.iovirt.packet.testing.Peers;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Open vSwitch for interop tests (shared/PEERS.md): ovsdb-server and ovs-vswitchd
 * {@code --enable-dummy} with the userspace netdev datapath, everything in a temp dir, stopped by
 * PID. Only one netdev ovs-vswitchd may run per network namespace, so {@link #start} takes a
 * machine-wide file lock and, should another ovs-vswitchd be running (another test run), waits for
 * it to exit first.
 */
public final class OpenVSwitch implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> env;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Long> pids = new ArrayList<>();

    private OpenVSwitch(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.env = Map.of("OVS_RUNDIR", dir.toString(), "OVS_LOGDIR", dir.toString(), "OVS_DBDIR", dir.toString(),
                "OVS_SYSCONFDIR", dir.toString());
    }

    /** Skips (or, under CI, fails) without Open vSwitch; otherwise starts the two daemons. */
    public static OpenVSwitch start() throws Exception {
        Peers.require("ovs-vswitchd", "openvswitch-switch");
        Peers.require("ovsdb-server", "openvswitch-switch");
        Peers.require("ovs-vsctl", "openvswitch-switch");
        Peers.require("ovs-ofctl", "openvswitch-common");
        FileChannel ch = new RandomAccessFile("/tmp/iovirt-ovs-netdev.lock", "rw").getChannel();
        FileLock lock = ch.lock();
        waitForOtherVswitchd();
        OpenVSwitch ovs = new OpenVSwitch(Files.createTempDirectory("iovirt-ovs"), ch, lock);
        try {
            ovs.boot();
        } catch (Exception | AssertionError e) {
            ovs.close();
            throw e;
        }
        return ovs;
    }

    private static void waitForOtherVswitchd() throws Exception {
        List<ProcessHandle> others = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ovs-vswitchd")).orElse(false)).toList();
        for (ProcessHandle p : others) {
            p.onExit().get(60, TimeUnit.SECONDS);
        }
    }

    private void boot() throws IOException, InterruptedException {
        run("ovsdb-tool", "create", dir.resolve("conf.db").toString(), "/usr/share/openvswitch/vswitch.ovsschema");
        run("ovsdb-server", dir.resolve("conf.db").toString(), "--remote=punix:" + dir.resolve("db.sock"),
                "--pidfile", "--detach", "--log-file");
        pids.add(pid("ovsdb-server.pid"));
        run("ovs-vsctl", "--no-wait", "init");
        run("ovs-vswitchd", "--enable-dummy", "unix:" + dir.resolve("db.sock"), "--pidfile", "--detach", "--log-file");
        pids.add(pid("ovs-vswitchd.pid"));
    }

    private long pid(String file) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(file)).trim());
    }

    /** Runs an ovs-* command with this instance's environment; fails the test if it fails. */
    public String run(String... command) {
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(command));
        return Peers.run(30, cmd).requireSuccess().stdout();
    }

    public String vsctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--timeout=20"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    public String ofctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    public Path dir() {
        return dir;
    }

    /** Stops the daemons by PID (never by name) and removes the temp dir. */
    @Override
    public void close() throws IOException {
        try {
            for (long pid : pids.reversed()) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroy();
                    try {
                        p.onExit().get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
