package dev.iovirt.bench.vswitch;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.vswitch.ofproto.Bridge;
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
 * The whole switch, one core, 64-byte UDP frames in batches of 32: {@code flows} OpenFlow entries
 * are installed (exact IPv4 destination → output:2); {@code spread=false} sends every frame to one
 * of them (the established-connection case), {@code spread=true} cycles over all of them (as many
 * megaflows as flows, which outgrows the exact-match cache). {@link #missPath} sends every frame
 * to a new destination through the full OpenFlow pipeline (translation and megaflow install).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class BridgeBenchmark {
    @Param({"1", "1000", "100000"})
    public int flows;

    @Param({"false", "true"})
    public boolean spread;

    private Bridge bridge;

    static Bridge bridgeWithFlows(int flows, DatapathBenchmark.ReplayPort in) {
        Bridge b = new Bridge("bench", DatapathId.of(1), System::nanoTime);
        b.addPort(1, "in", in);
        b.addPort(2, "out", new DatapathBenchmark.SinkPort());
        for (int i = 0; i < flows; i++) {
            b.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(10)
                    .match(Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of(0x0A00_0000 | i)).build())
                    .apply(Action.Output.to(2)).build());
        }
        return b;
    }

    @Setup(Level.Trial)
    public void setUp() {
        byte[][] frames = DatapathBenchmark.frames(spread ? flows : 1, false);
        bridge = bridgeWithFlows(flows, new DatapathBenchmark.ReplayPort(frames));
        for (int i = 0; i < (spread ? flows : 1) / FrameBatch.MAX_BURST + 2; i++) {
            bridge.poll();
        }
    }

    @Benchmark
    @OperationsPerInvocation(FrameBatch.MAX_BURST)
    public int cachedPath() {
        return bridge.poll();
    }

    /** Every frame has a new source, and a table-0 entry matching on it: each one is translated. */
    @State(Scope.Thread)
    public static class MissState {
        Bridge bridge;

        @Setup(Level.Iteration)
        public void setUp() {
            bridge = new Bridge("miss", DatapathId.of(2), System::nanoTime);
            bridge.addPort(1, "in", new DatapathBenchmark.ReplayPort(DatapathBenchmark.frames(1 << 20, true)));
            bridge.addPort(2, "out", new DatapathBenchmark.SinkPort());
            bridge.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(10)
                    .match(Match.builder().ethType(0x0800).ipv4Src(Ipv4Address.of("11.0.0.0"), 8).build())
                    .apply(Action.Output.to(2)).build());
            bridge.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(20)
                    .match(Match.builder().ethType(0x0800).ipv4Src(Ipv4Address.of("11.0.0.1")).build())
                    .apply(Action.Output.to(2)).build());
        }
    }

    @Benchmark
    @OperationsPerInvocation(FrameBatch.MAX_BURST)
    public int missPath(MissState s) {
        return s.bridge.poll();
    }
}
