package dev.iovirt.bench.nfv;

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.nfv.conntrack.Timeouts;
import dev.iovirt.nfv.firewall.Firewall;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.PacketBuilder;
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
 * The stateful firewall's data path ({@link NetworkFunction#process}), one core, 64-byte frames, a
 * 1,000-rule set ({@link NfvFrames#thousandRules}), in bursts of 32 as the poll loop hands them over.
 *
 * <p>{@link #established}: 4,096 connections (3 in 4 TCP, 1 in 4 UDP) are open; frames cycle over them
 * in both directions (TCP ACKs with data, UDP datagrams): the conntrack fast path that never touches
 * the rules. {@link #newConnections}: every frame is a UDP datagram of a flow never seen, decided by the
 * rules (the matching rule is the 1,000th; the index by protocol and destination port makes that one
 * check instead of a thousand) and entered into the table; virtual time moves 1 ms per frame and
 * {@code tick} runs once per burst, so the 30 s UDP timeout keeps about 30,000 connections open, in a
 * steady state below the table's limit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FirewallBenchmark {
    static final int BURST = 32;
    static final int FLOWS = 4096;

    private final Sink sink = new Sink();
    private Firewall firewall;
    private byte[][] frames;
    private int[] ports;
    private int next;
    private long now;
    private byte[] fresh;
    private int freshFlow;

    /** Counts what the function emits, as a driver's transmit would take it. */
    static final class Sink implements NetworkFunction.Output {
        long frames;

        @Override
        public void emit(int port, byte[] frame, int off, int len) {
            frames++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        firewall = new Firewall(new Firewall.Config(NfvFrames.thousandRules(), 1 << 17, Timeouts.linuxDefaults()));
        frames = new byte[2 * FLOWS][];
        ports = new int[2 * FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            if (NfvFrames.isTcp(i)) {
                process(0, NfvFrames.frame(i, true, NfvFrames.TCP_SYN));
                process(1, NfvFrames.frame(i, false, NfvFrames.TCP_SYN | NfvFrames.TCP_ACK));
                process(0, NfvFrames.frame(i, true, NfvFrames.TCP_ACK));
            } else {
                process(0, NfvFrames.frame(i, true, 0));
                process(1, NfvFrames.frame(i, false, 0));
            }
            int flags = NfvFrames.TCP_ACK | NfvFrames.TCP_PSH;
            frames[2 * i] = NfvFrames.frame(i, true, flags);
            ports[2 * i] = 0;
            frames[2 * i + 1] = NfvFrames.frame(i, false, flags);
            ports[2 * i + 1] = 1;
        }
        if (firewall.tracker().table().size() != FLOWS) {
            throw new IllegalStateException("expected " + FLOWS + " connections, have " + firewall.tracker().table().size());
        }
        fresh = PacketBuilder.ethernet(NfvFrames.CLIENT_MAC, NfvFrames.SERVER_MAC)
                .ipv4(Ipv4Address.of("10.2.0.1"), Ipv4Address.of("192.168.7.10")).udp(1, 53).payload(18).build();
    }

    private void process(int port, byte[] f) {
        firewall.process(port, f, 0, f.length, now, sink);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long established() {
        for (int i = 0; i < BURST; i++) {
            int k = next;
            next = k + 1 == frames.length ? 0 : k + 1;
            byte[] f = frames[k];
            firewall.process(ports[k], f, 0, f.length, now, sink);
        }
        firewall.tick(now, sink);
        return sink.frames;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long newConnections() {
        for (int i = 0; i < BURST; i++) {
            int flow = freshFlow++;
            NfvFrames.renumber(fresh, 0x0A02_0000 | (flow >>> 14 & 0xFFFF), 1024 + (flow & 0x3FFF));
            now += 1_000_000;
            firewall.process(0, fresh, 0, fresh.length, now, sink);
        }
        firewall.tick(now, sink);
        return sink.frames;
    }
}
