package dev.iovirt.openflow.testing;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpGetConfigReply;
import dev.iovirt.openflow.OfpGetConfigRequest;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.TableFeatures;
import dev.iovirt.openflow.netty.OfpMalformed;
import dev.iovirt.openflow.netty.OfpPipeline;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A minimal OpenFlow 1.3 switch made of the real pipeline ({@link OfpPipeline}) on 127.0.0.1, for
 * controller tests: it answers HELLO, ECHO, FEATURES (datapath id 1, 254 tables), GET_CONFIG,
 * BARRIER and, through {@link #onMultipart}, multipart requests (by default TABLE_FEATURES, which
 * ovs-ofctl needs before any flow mod), and records every message and every {@link OfpMalformed}
 * it receives, in order.
 */
public final class OfpFakeSwitch implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final List<Channel> connections = new CopyOnWriteArrayList<>();
    private volatile Function<MpRequest, MpReply> multipart = OfpFakeSwitch::defaultMultipart;

    private OfpFakeSwitch() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        OfpPipeline.install(ch.pipeline()).addLast(new Agent());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** A switch listening on an ephemeral port of 127.0.0.1. */
    public static OfpFakeSwitch start() throws InterruptedException {
        return new OfpFakeSwitch();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code tcp:127.0.0.1:<port>}, as ovs-ofctl takes it. */
    public String target() {
        return "tcp:127.0.0.1:" + port();
    }

    /** How multipart requests are answered; a null reply sends nothing. Replies are split as needed. */
    public OfpFakeSwitch onMultipart(Function<MpRequest, MpReply> answer) {
        this.multipart = answer;
        return this;
    }

    /** The default answers: TABLE_FEATURES of 254 tables, an empty PORT_DESC, a DESC; nothing else. */
    public static MpReply defaultMultipart(MpRequest request) {
        return switch (request) {
            case MpRequest.TableFeatures t -> new MpReply.TableFeaturesList(
                    IntStream.range(0, 254).mapToObj(i -> TableFeatures.of(i, 254, 1_000_000)).toList());
            case MpRequest.PortDesc p -> new MpReply.PortDescs(List.of());
            case MpRequest.Desc d -> new MpReply.Desc("iovirt", "fake switch", "test", "0", "OfpFakeSwitch");
            default -> null;
        };
    }

    /** Everything received so far, in order, without waiting. */
    public List<Object> received() {
        return List.copyOf(received);
    }

    /** Forgets what was received. */
    public void clear() {
        received.clear();
    }

    /** The next received message of {@code type} within {@code timeout}, skipping others; fails on an {@link OfpMalformed}. */
    public <T> T next(Class<T> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object o = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (o == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout);
            }
            if (o instanceof OfpMalformed m) {
                throw new AssertionError("the peer sent a malformed message: " + m.error().getMessage());
            }
            if (type.isInstance(o)) {
                return type.cast(o);
            }
        }
    }

    /** The connections accepted so far. */
    public List<Channel> connections() {
        return List.copyOf(connections);
    }

    /** Waits until every accepted connection is closed (the peer is done). */
    public void awaitDisconnect(Duration timeout) {
        for (Channel c : connections) {
            if (!c.closeFuture().awaitUninterruptibly(timeout.toMillis())) {
                throw new AssertionError("the peer kept its connection open for " + timeout);
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Agent extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
            if (!(msg instanceof OfpMessage m)) {
                return;
            }
            switch (m) {
                case OfpHello h -> ctx.writeAndFlush(OfpHello.of(h.xid()));
                case OfpEchoRequest e -> ctx.writeAndFlush(new OfpEchoReply(e.xid(), e.data()));
                case OfpFeaturesRequest f -> ctx.writeAndFlush(new OfpFeaturesReply(f.xid(), DatapathId.of(1), 0, 254, 0,
                        OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_TABLE_STATS | OfpFeaturesReply.CAP_PORT_STATS
                                | OfpFeaturesReply.CAP_GROUP_STATS));
                case OfpGetConfigRequest g -> ctx.writeAndFlush(new OfpGetConfigReply(g.xid(), 0, 128));
                case OfpBarrierRequest b -> ctx.writeAndFlush(new OfpBarrierReply(b.xid()));
                case OfpMultipartRequest r -> {
                    MpReply body = multipart.apply(r.body());
                    if (body != null) {
                        for (OfpMultipartReply part : OfpMultipartReply.of(r.xid(), body).split(OfpMessage.MAX_LENGTH)) {
                            ctx.write(part);
                        }
                        ctx.flush();
                    }
                }
                default -> { }
            }
        }
    }
}
