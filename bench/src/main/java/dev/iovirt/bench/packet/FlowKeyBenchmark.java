package dev.iovirt.bench.packet;

import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flow-key extraction of a 64-byte (60 without FCS) UDP/IPv4 frame, alone and as a datapath does
 * it: a batch of 32 frames into 32 reused keys. Goal (issue 2): at least 20 M frames/s per core
 * and 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FlowKeyBenchmark {
    private byte[] frame;
    private final FlowKey key = new FlowKey();
    private final FrameBatch batch = new FrameBatch();
    private final FlowKey[] keys = new FlowKey[FrameBatch.MAX_BURST];

    @Setup
    public void setUp() {
        frame = PacketBuilder.ethernet(MacAddress.of("02:00:00:00:00:0a"), MacAddress.of("02:00:00:00:00:0b"))
                .ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2")).udp(5000, 9000).payload(18).build();
        for (int i = 0; i < FrameBatch.MAX_BURST; i++) {
            // Vary the source port so that the frames are not identical.
            frame[35] = (byte) i;
            batch.add(frame, 0, frame.length);
            batch.get(i).setInPort(1 + (i & 3));
            keys[i] = new FlowKey();
        }
    }

    @Benchmark
    public FlowKey udp64() {
        return FlowKeyParser.parse(frame, 0, frame.length, 1, key);
    }

    @Benchmark
    @OperationsPerInvocation(FrameBatch.MAX_BURST)
    public int udp64Batch32() {
        int acc = 0;
        for (int i = 0; i < batch.size(); i++) {
            acc += FlowKeyParser.parse(batch.get(i), keys[i]).tpSrc();
        }
        return acc;
    }
}
