package dev.iovirt.bench.openflow;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode cost of the two messages on the OpenFlow hot paths: PACKET_IN (switch to
 * controller, per table-miss packet) and FLOW_MOD (controller to switch, per installed flow), and
 * the per-rule {@code Match.matches(FlowKey)} test. Run with {@code -prof gc} to see bytes per
 * operation: {@link #encodePacketIn} is expected to allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpenFlowCodecBenchmark {
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:01");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:02");

    private byte[] frame;
    private Match packetInMatch;
    private ByteBuf packetInWire;
    private ByteBuf flowModWire;
    private OfpFlowMod flowMod;
    private ByteBuf out;
    private Match rule;
    private FlowKey key;

    @Setup
    public void setUp() {
        frame = PacketBuilder.ethernet(A, B).ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2")).udp(1000, 53).payload(86).build();
        packetInMatch = Match.builder().inPort(3).tunnelId(5001).build();
        packetInWire = Unpooled.directBuffer(512);
        OfpCodec.encode(new OfpPacketIn(0, BufferId.NO_BUFFER, frame.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                packetInMatch, frame), packetInWire);
        rule = Match.builder().inPort(1).ethType(0x0800).ipProto(17).ipv4Dst(Ipv4Address.of("10.0.0.0"), 24).udpDst(53).build();
        flowMod = OfpFlowMod.builder(FlowModCommand.ADD).xid(7).priority(100).match(rule)
                .apply(Action.Output.to(2)).gotoTable(1).build();
        flowModWire = Unpooled.directBuffer(512);
        OfpCodec.encode(flowMod, flowModWire);
        out = Unpooled.directBuffer(512);
        key = FlowKeyParser.parse(frame, 0, frame.length, 1, new FlowKey());
    }

    @Benchmark
    public OfpMessage decodePacketIn() throws OfpException {
        packetInWire.readerIndex(0);
        return OfpCodec.decode(packetInWire);
    }

    @Benchmark
    public int encodePacketIn() {
        out.clear();
        OfpCodec.encodePacketIn(out, 0, BufferId.NO_BUFFER, frame.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                packetInMatch, frame, 0, frame.length);
        return out.writerIndex();
    }

    @Benchmark
    public OfpMessage decodeFlowMod() throws OfpException {
        flowModWire.readerIndex(0);
        return OfpCodec.decode(flowModWire);
    }

    @Benchmark
    public int encodeFlowMod() {
        out.clear();
        OfpCodec.encode(flowMod, out);
        return out.writerIndex();
    }

    @Benchmark
    public boolean matchFlowKey() {
        return rule.matches(key);
    }
}
