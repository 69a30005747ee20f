package dev.iovirt.bench.nfv;

import dev.iovirt.nfv.nat.Nat;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The NAT's data path, one core, 64-byte frames in bursts of 32. {@link #established}: 4,096
 * translated connections (3 in 4 TCP, 1 in 4 UDP), frames cycling over them outbound (source rewritten)
 * and inbound (destination rewritten, inside MAC restored), each with its incremental checksum
 * updates; every frame is first copied from its template into the receive buffer, as the driver's
 * copy out of guest memory would be (the NAT rewrites in place). {@link #newConnections}: every frame
 * opens a source-NAT connection (port allocation, table insert); 1 ms of virtual time per frame and
 * the 30 s UDP timeout keep about 30,000 ports in use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class NatBenchmark {
    static final int BURST = 32;
    static final int FLOWS = 4096;
    static final Ipv4Address EXTERNAL = Ipv4Address.of("203.0.113.1");
    static final MacAddress NAT_IN = MacAddress.of("02:00:00:00:0a:00");
    static final MacAddress NAT_OUT = MacAddress.of("02:00:00:00:0a:01");

    private final FirewallBenchmark.Sink sink = new FirewallBenchmark.Sink();
    private final byte[] buffer = new byte[2048];
    private Nat nat;
    private byte[][] frames;
    private int[] ports;
    private int next;
    private long now;
    private byte[] fresh;
    private int freshFlow;

    @Setup(Level.Trial)
    public void setUp() {
        nat = new Nat(new Nat.Config(EXTERNAL, 1024, 65535, List.of(), 1 << 17, dev.iovirt.nfv.conntrack.Timeouts.linuxDefaults()));
        nat.attach(List.of(NAT_IN, NAT_OUT));
        frames = new byte[2 * FLOWS][];
        ports = new int[2 * FLOWS];
        int flags = NfvFrames.TCP_ACK | NfvFrames.TCP_PSH;
        for (int i = 0; i < FLOWS; i++) {
            boolean tcp = NfvFrames.isTcp(i);
            byte[] out = translate(Nat.INSIDE, NfvFrames.frame(i, true, tcp ? NfvFrames.TCP_SYN : 0));
            int port = Bytes.getU16(out, 34);
            // The server's answer, to the external address and port.
            PacketBuilder back = PacketBuilder.ethernet(NfvFrames.SERVER_MAC, NAT_OUT)
                    .ipv4(Ipv4Address.of(NfvFrames.server(i)), EXTERNAL);
            back = tcp ? back.tcp(443, port, flags) : back.udp(53, port);
            if (tcp) {
                translate(Nat.OUTSIDE, PacketBuilder.ethernet(NfvFrames.SERVER_MAC, NAT_OUT)
                        .ipv4(Ipv4Address.of(NfvFrames.server(i)), EXTERNAL).tcp(443, port, NfvFrames.TCP_SYN | NfvFrames.TCP_ACK).build());
                translate(Nat.INSIDE, NfvFrames.frame(i, true, NfvFrames.TCP_ACK));
            }
            frames[2 * i] = NfvFrames.frame(i, true, flags);
            ports[2 * i] = Nat.INSIDE;
            frames[2 * i + 1] = back.payload(tcp ? 6 : 18).build();
            ports[2 * i + 1] = Nat.OUTSIDE;
        }
        if (nat.tracker().table().size() != FLOWS) {
            throw new IllegalStateException("expected " + FLOWS + " connections, have " + nat.tracker().table().size());
        }
        long before = sink.frames;
        for (int k = 0; k < frames.length; k++) {
            translate(ports[k], frames[k]);
        }
        if (sink.frames - before != frames.length) {
            throw new IllegalStateException("not every frame was translated: " + (sink.frames - before));
        }
        fresh = PacketBuilder.ethernet(NfvFrames.CLIENT_MAC, NfvFrames.SERVER_MAC)
                .ipv4(Ipv4Address.of("10.2.0.1"), Ipv4Address.of("192.168.7.10")).udp(1, 53).payload(18).build();
    }

    private byte[] translate(int port, byte[] f) {
        byte[] copy = f.clone();
        byte[][] out = new byte[1][];
        nat.process(port, copy, 0, copy.length, now, (p, b, o, l) -> {
            out[0] = java.util.Arrays.copyOfRange(b, o, o + l);
            sink.frames++;
        });
        if (out[0] == null) {
            throw new IllegalStateException("the NAT dropped a set-up frame: " + nat.counters());
        }
        return out[0];
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long established() {
        for (int i = 0; i < BURST; i++) {
            int k = next;
            next = k + 1 == frames.length ? 0 : k + 1;
            byte[] f = frames[k];
            System.arraycopy(f, 0, buffer, 0, f.length);
            nat.process(ports[k], buffer, 0, f.length, now, sink);
        }
        nat.tick(now, sink);
        return sink.frames;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long newConnections() {
        for (int i = 0; i < BURST; i++) {
            int flow = freshFlow++;
            System.arraycopy(fresh, 0, buffer, 0, fresh.length);
            NfvFrames.renumber(buffer, 0x0A02_0000 | (flow >>> 14 & 0xFFFF), 1024 + (flow & 0x3FFF));
            now += 1_000_000;
            nat.process(Nat.INSIDE, buffer, 0, fresh.length, now, sink);
        }
        nat.tick(now, sink);
        return sink.frames;
    }
}
