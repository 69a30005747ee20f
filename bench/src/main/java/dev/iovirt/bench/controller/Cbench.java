package dev.iovirt.bench.controller;

import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpType;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A cbench-style load generator (after Rob Sherwood's oflops/cbench): N emulated OpenFlow 1.3
 * switches connect to a controller, complete its handshake, then send PACKET_IN and count the
 * FLOW_MOD and PACKET_OUT replies.
 *
 * <ul>
 * <li><b>throughput</b>: each switch keeps {@code window} packet-ins outstanding and sends a new one
 * per reply; the figure is replies per second over all switches.</li>
 * <li><b>latency</b>: each switch has one packet-in outstanding; the figure is the round trip.</li>
 * </ul>
 *
 * Each switch has {@code hosts} hosts, host {@code i} on port {@code i+1}; packet-in {@code i} is a
 * 64-byte IPv4 frame from host {@code i} to host {@code i+1}, buffered (buffer id {@code i}), so a
 * learning switch answers every packet-in with exactly one message: PACKET_OUT (flood) until it
 * knows the destination, FLOW_MOD (with the buffer id) after. Packet-ins are encoded once and sent
 * as retained duplicates; replies of the two counted types are recognised by their header alone.
 *
 * <p>Run: {@code java -cp ... dev.iovirt.controller.bench.Cbench HOST:PORT [switches] [seconds] [throughput|latency]}.
 */
public final class Cbench {
    public enum Mode { THROUGHPUT, LATENCY }

    /**
     * @param controller the controller's OpenFlow address
     * @param switches how many emulated switches
     * @param hosts hosts (and ports) per switch
     * @param window packet-ins outstanding per switch in throughput mode
     * @param warmup traffic before counting starts
     * @param duration how long to count
     * @param mode throughput or latency
     * @param threads event-loop threads of the generator
     */
    public record Options(InetSocketAddress controller, int switches, int hosts, int window, Duration warmup,
                          Duration duration, Mode mode, int threads) {
        public static Options defaults(InetSocketAddress controller) {
            return new Options(controller, 16, 64, 64, Duration.ofSeconds(1), Duration.ofSeconds(5), Mode.THROUGHPUT, 1);
        }

        public Options with(Mode m, int switches, Duration warmup, Duration duration) {
            return new Options(controller, switches, hosts, window, warmup, duration, m, threads);
        }
    }

    /**
     * @param mode the mode
     * @param switches how many switches took part
     * @param responses FLOW_MOD and PACKET_OUT replies counted
     * @param flowMods of which FLOW_MOD
     * @param seconds the counting period
     * @param meanRttMicros latency mode: mean round trip (0 in throughput mode)
     * @param p99RttMicros latency mode: 99th percentile round trip
     */
    public record Result(Mode mode, int switches, long responses, long flowMods, double seconds, double meanRttMicros,
                         double p99RttMicros) {
        public double responsesPerSecond() {
            return responses / seconds;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d switches, %.0f responses/s (%d responses, %d flow mods in %.2f s)%s",
                    mode.name().toLowerCase(Locale.ROOT), switches, responsesPerSecond(), responses, flowMods, seconds,
                    mode == Mode.LATENCY ? String.format(Locale.ROOT, ", RTT mean %.1f µs, p99 %.1f µs", meanRttMicros, p99RttMicros) : "");
        }
    }

    private Cbench() {
    }

    public static Result run(Options o) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(o.threads(), NioIoHandler.newFactory());
        List<EmulatedSwitch> switches = new ArrayList<>();
        try {
            for (int i = 0; i < o.switches(); i++) {
                EmulatedSwitch sw = new EmulatedSwitch(i + 1, o);
                switches.add(sw);
                new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(sw);
                            }
                        })
                        .connect(o.controller()).sync();
            }
            CompletableFuture.allOf(switches.stream().map(s -> s.ready).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            for (EmulatedSwitch s : switches) {
                s.startTraffic();
            }
            waitFor(o.warmup());
            long startResponses = 0;
            long startFlowMods = 0;
            for (EmulatedSwitch s : switches) {
                Snapshot at = s.snapshot(true);
                startResponses += at.responses();
                startFlowMods += at.flowMods();
            }
            long t0 = System.nanoTime();
            waitFor(o.duration());
            long t1 = System.nanoTime();
            long responses = -startResponses;
            long flowMods = -startFlowMods;
            long[] histogram = new long[EmulatedSwitch.HISTOGRAM_MICROS];
            long rttSum = 0;
            long rttCount = 0;
            for (EmulatedSwitch s : switches) {
                Snapshot at = s.snapshot(false);
                responses += at.responses();
                flowMods += at.flowMods();
                rttSum += at.rttSumNanos();
                rttCount += at.rttCount();
                for (int i = 0; i < histogram.length; i++) {
                    histogram[i] += at.histogram()[i];
                }
            }
            double mean = rttCount == 0 ? 0 : rttSum / 1000.0 / rttCount;
            return new Result(o.mode(), o.switches(), responses, flowMods, (t1 - t0) / 1e9, mean, percentile(histogram, rttCount, 0.99));
        } finally {
            for (EmulatedSwitch s : switches) {
                s.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Blocks the calling (main) thread for the measurement period: the period is the measurement. */
    private static void waitFor(Duration d) throws InterruptedException {
        new CompletableFuture<Void>().completeOnTimeout(null, d.toNanos(), TimeUnit.NANOSECONDS).join();
    }

    private static double percentile(long[] histogram, long count, double p) {
        if (count == 0) {
            return 0;
        }
        long want = (long) Math.ceil(count * p);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= want) {
                return i;
            }
        }
        return histogram.length;
    }

    /** One switch's counters, read on its event loop. */
    private record Snapshot(long responses, long flowMods, long rttSumNanos, long rttCount, long[] histogram) {
    }

    /**
     * One emulated switch. Counters are plain fields written on its event loop; the driver reads
     * them through {@link #snapshot}, which runs on that loop, so a snapshot is consistent.
     */
    private static final class EmulatedSwitch extends ByteToMessageDecoder {
        static final int HISTOGRAM_MICROS = 100_000;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final long[] histogram = new long[HISTOGRAM_MICROS];
        private final int index;
        private final Options o;
        private final ByteBuf[] packetIns;
        private int next;
        private Channel channel;
        private boolean traffic;
        private long sentAt;
        long responses;
        long flowMods;
        long rttSumNanos;
        long rttCount;

        EmulatedSwitch(int index, Options o) {
            this.index = index;
            this.o = o;
            this.packetIns = new ByteBuf[o.hosts()];
            for (int h = 0; h < o.hosts(); h++) {
                MacAddress src = MacAddress.of(0x0200_0000_0000L | (long) index << 16 | h);
                MacAddress dst = MacAddress.of(0x0200_0000_0000L | (long) index << 16 | (h + 1) % o.hosts());
                byte[] frame = PacketBuilder.ethernet(src, dst).ipv4(Ipv4Address.of(10, index, 0, h + 1),
                        Ipv4Address.of(10, index, 0, (h + 1) % o.hosts() + 1)).udp(1000, 2000).build();
                ByteBuf buf = Unpooled.directBuffer(128);
                OfpCodec.encodePacketIn(buf, 0, BufferId.of(h), frame.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                        Match.builder().inPort(h + 1).build(), frame, 0, frame.length);
                packetIns[h] = Unpooled.unreleasableBuffer(buf);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            send(ctx, OfpHello.of(0));
            ctx.flush();
        }

        private void send(ChannelHandlerContext ctx, OfpMessage m) {
            ByteBuf b = ctx.alloc().buffer();
            OfpCodec.encode(m, b);
            ctx.write(b);
        }

        void startTraffic() {
            channel.eventLoop().execute(() -> {
                traffic = true;
                int n = o.mode() == Mode.LATENCY ? 1 : o.window();
                for (int i = 0; i < n; i++) {
                    sendPacketIn();
                }
                channel.flush();
            });
        }

        private void sendPacketIn() {
            ByteBuf b = packetIns[next];
            next = next + 1 == packetIns.length ? 0 : next + 1;
            if (o.mode() == Mode.LATENCY) {
                sentAt = System.nanoTime();
            }
            channel.write(b.duplicate(), channel.voidPromise());
        }

        /** The counters now; with {@code resetLatency} the RTT figures start afresh (the warm-up's are dropped). */
        Snapshot snapshot(boolean resetLatency) {
            return channel.eventLoop().submit(() -> {
                if (resetLatency) {
                    rttSumNanos = 0;
                    rttCount = 0;
                    java.util.Arrays.fill(histogram, 0);
                }
                return new Snapshot(responses, flowMods, rttSumNanos, rttCount, histogram.clone());
            }).syncUninterruptibly().getNow();
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws OfpException {
            while (in.readableBytes() >= OfpMessage.HEADER_LENGTH) {
                int start = in.readerIndex();
                int length = in.getUnsignedShort(start + 2);
                if (length < OfpMessage.HEADER_LENGTH) {
                    ctx.close();
                    return;
                }
                if (in.readableBytes() < length) {
                    return;
                }
                int type = in.getUnsignedByte(start + 1);
                if (type == OfpType.FLOW_MOD.code() || type == OfpType.PACKET_OUT.code()) {
                    in.skipBytes(length);
                    if (traffic) {
                        responses++;
                        if (type == OfpType.FLOW_MOD.code()) {
                            flowMods++;
                        }
                        if (o.mode() == Mode.LATENCY) {
                            long rtt = System.nanoTime() - sentAt;
                            rttSumNanos += rtt;
                            rttCount++;
                            histogram[(int) Math.min(HISTOGRAM_MICROS - 1, rtt / 1000)]++;
                        }
                        sendPacketIn();
                    }
                    continue;
                }
                OfpMessage m = OfpCodec.decode(in.readSlice(length));
                switch (m) {
                    case OfpFeaturesRequest r -> {
                        send(ctx, new OfpFeaturesReply(r.xid(), DatapathId.of(index), 256, 254, 0,
                                OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_PORT_STATS));
                        // Controllers that never ask for PORT_DESC (ovs-testcontroller) are ready after FEATURES.
                        ctx.executor().schedule(() -> ready.complete(null), 500, TimeUnit.MILLISECONDS);
                    }
                    case OfpEchoRequest e -> send(ctx, new OfpEchoReply(e.xid(), e.data()));
                    case OfpBarrierRequest b -> send(ctx, new OfpBarrierReply(b.xid()));
                    case OfpMultipartRequest r -> {
                        List<Port> ports = new ArrayList<>();
                        for (int h = 0; h < o.hosts(); h++) {
                            ports.add(new Port(PortNo.of(h + 1), MacAddress.of(0x0600_0000_0000L | (long) index << 16 | h),
                                    "eth" + (h + 1), 0, 0, Port.FEATURE_10GB_FD, 0, 0, 0, 10_000_000, 10_000_000));
                        }
                        send(ctx, OfpMultipartReply.of(r.xid(), new MpReply.PortDescs(ports)));
                        ready.complete(null);
                    }
                    default -> { }
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            ctx.flush();
            super.channelReadComplete(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            ready.completeExceptionally(new IllegalStateException("controller closed switch " + index + "'s connection"));
            super.channelInactive(ctx);
        }

        void close() {
            if (channel != null) {
                channel.close().syncUninterruptibly();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Cbench HOST:PORT [switches=16] [seconds=5] [throughput|latency]");
            System.exit(2);
        }
        String[] hp = args[0].split(":");
        Options o = Options.defaults(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
        int switches = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Mode mode = args.length > 3 ? Mode.valueOf(args[3].toUpperCase(Locale.ROOT)) : Mode.THROUGHPUT;
        System.out.println(run(o.with(mode, switches, Duration.ofSeconds(1), Duration.ofSeconds(seconds))));
    }
}
