package dev.iovirt.bench.nfv;

import java.util.ArrayList;
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

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.nfv.lb.Backend;
import dev.iovirt.nfv.lb.LoadBalancer;
import dev.iovirt.nfv.lb.LoadBalancerConfig;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

/**
 * The load balancer's data path on one core, 64-byte TCP frames to the VIP in bursts of 32, 8
 * backends, M = 65,537, health checks off. {@link #established}: 4,096 open connections, each frame
 * a connection-table hit, DNAT with RFC 1624 updates. {@link #newConnections}: every frame a new
 * 5-tuple (SYN|RST, so the entry is made and removed in the same call and the table stays
 * small): lookup miss, 5-tuple MurmurHash3, Maglev entry, insert, DNAT, remove. Each operation
 * also restores the 60-byte frame the previous one rewrote in place (a copy, as a poll loop's RX
 * buffer would hold a fresh frame).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LoadBalancerBenchmark {
    static final int BURST = 32;
    static final int FLOWS = 4096;
    static final Ipv4Address VIP = Ipv4Address.of("10.0.0.100");
    static final MacAddress LB0 = MacAddress.of("02:1b:00:00:00:00");
    static final MacAddress CLIENT = MacAddress.of("02:c1:00:00:00:01");

    private LoadBalancer lb;
    private byte[][] templates;
    private final byte[] buf = new byte[64];
    private byte[] newTemplate;
    private int next;
    private int counter;
    private final Sink sink = new Sink();

    /** Counts what the function emits (so the work is not optimised away). */
    static final class Sink implements NetworkFunction.Output {
        long bytes;

        @Override
        public void emit(int port, byte[] frame, int off, int len) {
            bytes += len + frame[off + 33]; // touch the rewritten destination address
        }
    }

    static LoadBalancer loadBalancer() {
        var backends = new ArrayList<Backend>();
        for (int i = 0; i < 8; i++) {
            backends.add(new Backend("web-" + i, Ipv4Address.of(10, 0, 1, 10 + i), 0, MacAddress.of(0x02_bb_00_00_00_00L + i), 1));
        }
        var config = LoadBalancerConfig.of(VIP, 80, IpProtocol.TCP, backends, Ipv4Address.of("10.0.1.2"), 24,
                LB0, MacAddress.of("02:1b:00:00:00:01")).withHealth(0, 2, 3);
        return new LoadBalancer(config);
    }

    @Setup(Level.Trial)
    public void setUp() {
        lb = loadBalancer();
        templates = new byte[FLOWS][];
        for (int i = 0; i < FLOWS; i++) {
            templates[i] = PacketBuilder.ethernet(CLIENT, LB0).ipv4(Ipv4Address.of(0xC0A8_0000 + i), VIP)
                    .tcp(10_000 + i, 80, 0x10).build();
            System.arraycopy(templates[i], 0, buf, 0, templates[i].length);
            lb.process(0, buf, 0, templates[i].length, 0, sink);
        }
        newTemplate = PacketBuilder.ethernet(CLIENT, LB0).ipv4(Ipv4Address.of("172.16.0.1"), VIP).tcp(1, 80, 0x06).build();
        if (lb.connections() != FLOWS) {
            throw new IllegalStateException("connections not established: " + lb.connections());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long established() {
        for (int i = 0; i < BURST; i++) {
            byte[] t = templates[next];
            next = next + 1 & FLOWS - 1;
            System.arraycopy(t, 0, buf, 0, t.length);
            lb.process(0, buf, 0, t.length, 1, sink);
        }
        return sink.bytes;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long newConnections() {
        for (int i = 0; i < BURST; i++) {
            byte[] t = newTemplate;
            System.arraycopy(t, 0, buf, 0, t.length);
            int c = counter++;
            Bytes.putU16(buf, 34, c & 0xFFFF);          // TCP source port
            Bytes.putU16(buf, 28, 0xAC10 + (c >>> 16)); // high half of the source address
            lb.process(0, buf, 0, t.length, 1, sink);
        }
        return sink.bytes;
    }
}
