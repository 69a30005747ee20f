package dev.iovirt.bench.vswitch;

import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vswitch.datapath.Datapath;
import dev.iovirt.vswitch.datapath.DpAction;
import dev.iovirt.vswitch.datapath.FlowWords;
import dev.iovirt.vswitch.datapath.UpcallHandler;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forwarding of 64-byte frames through the datapath in batches of 32, one core: a replay port
 * feeds frames whose destination addresses cycle over {@code flows} values; the slow path forwards
 * by exact IPv4 destination, so {@code flows} megaflows are installed (one mask). {@code emc=false}
 * measures the megaflow classifier alone. {@link #missPath} sends every packet to the slow path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DatapathBenchmark {
    @Param({"1", "1000", "100000"})
    public int flows;

    @Param({"true", "false"})
    public boolean emc;

    private Datapath datapath;

    /** Replays preallocated frames, 32 per receive, cycling; allocates nothing. */
    public static final class ReplayPort implements FramePort {
        final byte[][] frames;
        final PortCounters counters = new PortCounters();
        int next;

        public ReplayPort(byte[][] frames) {
            this.frames = frames;
        }

        @Override
        public String name() {
            return "replay";
        }

        @Override
        public int receive(FrameBatch batch) {
            int n = 0;
            while (!batch.isFull()) {
                byte[] f = frames[next];
                next = next + 1 == frames.length ? 0 : next + 1;
                batch.add(f, 0, f.length);
                n++;
            }
            return n;
        }

        @Override
        public int transmit(FrameBatch batch) {
            return batch.size();
        }

        @Override
        public PortCounters counters() {
            return counters;
        }
    }

    /** Counts what it is given and drops it. */
    public static final class SinkPort implements FramePort {
        final PortCounters counters = new PortCounters();

        @Override
        public String name() {
            return "sink";
        }

        @Override
        public int receive(FrameBatch batch) {
            return 0;
        }

        @Override
        public int transmit(FrameBatch batch) {
            counters.txPackets += batch.size();
            return batch.size();
        }

        @Override
        public PortCounters counters() {
            return counters;
        }
    }

    public static byte[][] frames(int n, boolean uniqueSources) {
        byte[][] frames = new byte[n][];
        PacketBuilder b = PacketBuilder.ethernet(MacAddress.of("02:00:00:00:00:0a"), MacAddress.of("02:00:00:00:00:0b"));
        for (int i = 0; i < n; i++) {
            int dst = 0x0A00_0000 | (uniqueSources ? 1 : i);
            int src = uniqueSources ? 0x0B00_0000 | i : 0x0A0A_0A0A;
            frames[i] = b.ipv4(Ipv4Address.of(src), Ipv4Address.of(dst)).udp(5000, 9000).payload(18).build();
        }
        return frames;
    }

    @Setup(Level.Trial)
    public void setUp() {
        UpcallHandler byDestination = (FlowKey key, long[] words, int off, long[] wildcards, List<DpAction> actions) -> {
            FlowWords.Field.ETH_TYPE.set(wildcards, 0, 0xFFFF);
            FlowWords.Field.NW_DST.set(wildcards, 0, 0xFFFF_FFFFL);
            actions.add(new DpAction.Output(2));
            return null;
        };
        datapath = new Datapath("bench", byDestination);
        datapath.addPort(new ReplayPort(frames(flows, false)));
        datapath.addPort(new SinkPort());
        datapath.setExactMatchCacheEnabled(emc);
        // Install every megaflow before measuring.
        for (int i = 0; i < flows / FrameBatch.MAX_BURST + 2; i++) {
            datapath.poll();
        }
    }

    @Benchmark
    @OperationsPerInvocation(FrameBatch.MAX_BURST)
    public int cachedPath() {
        return datapath.poll();
    }

    /** Every packet misses: the slow path matches on the unique source address. */
    @State(Scope.Thread)
    public static class MissState {
        Datapath datapath;

        @Setup(Level.Iteration)
        public void setUp() {
            UpcallHandler exactSource = (key, words, off, wildcards, actions) -> {
                FlowWords.Field.NW_SRC.set(wildcards, 0, 0xFFFF_FFFFL);
                actions.add(new DpAction.Output(2));
                return null;
            };
            datapath = new Datapath("miss", exactSource);
            datapath.addPort(new ReplayPort(frames(1 << 20, true)));
            datapath.addPort(new SinkPort());
        }
    }

    @Benchmark
    @OperationsPerInvocation(FrameBatch.MAX_BURST)
    public int missPath(MissState s) {
        return s.datapath.poll();
    }
}
