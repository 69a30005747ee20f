package dev.iovirt.controller.testing;

import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.FlowStats;
import dev.iovirt.openflow.GroupDesc;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.GroupModCommand;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpRoleReply;
import dev.iovirt.openflow.OfpRoleRequest;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.PortStats;
import dev.iovirt.openflow.netty.OfpPipeline;
import dev.iovirt.packet.MacAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An in-process OpenFlow 1.3 switch for controller tests, over a loopback socket: it answers the
 * handshake (with a configurable HELLO), echo, barrier, role and multipart requests, keeps a flow
 * table of the flow mods it receives (ADD, DELETE, DELETE_STRICT by exact match), and records every
 * message for the test to await.
 */
public final class FakeSwitch implements AutoCloseable {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final DatapathId dpid;
    private final List<Port> ports;
    private int helloVersion = OfpMessage.VERSION;
    private int helloBitmap = 1 << OfpMessage.VERSION;
    private boolean answerEcho = true;
    private boolean answerBarrier = true;
    private boolean closeOnFlowMod;
    private boolean tls;
    /** When set, flow mods whose match equals nothing special but whose priority is this value are refused. */
    private int refusePriority = -1;
    private final BlockingQueue<OfpMessage> received = new LinkedBlockingQueue<>();
    private final List<OfpMessage> all = new CopyOnWriteArrayList<>();
    private final List<OfpFlowMod> flows = new CopyOnWriteArrayList<>();
    private final java.util.Map<Integer, OfpGroupMod> groups = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final java.util.Map<Integer, dev.iovirt.openflow.OfpMeterMod> meters = new java.util.concurrent.ConcurrentSkipListMap<>();
    private Channel channel;

    public FakeSwitch(long dpid, Port... ports) {
        this.dpid = DatapathId.of(dpid);
        this.ports = List.of(ports);
    }

    public static Port port(int no, String name) {
        return new Port(PortNo.of(no), MacAddress.of(0x0200_0000_0000L | no), name, 0, 0, Port.FEATURE_1GB_FD,
                0, 0, 0, 1_000_000, 1_000_000);
    }

    /** Sends HELLO with this header version and bitmap (0 for no bitmap element). */
    public FakeSwitch hello(int version, int bitmap) {
        this.helloVersion = version;
        this.helloBitmap = bitmap;
        return this;
    }

    /** Connects over TLS, trusting any controller certificate. */
    public FakeSwitch tls() {
        this.tls = true;
        return this;
    }

    /** Never answers BARRIER_REQUEST (a switch that hangs mid-change). */
    public FakeSwitch silentToBarrier() {
        this.answerBarrier = false;
        return this;
    }

    /** Drops the connection when a flow mod arrives (a switch that dies mid-change). */
    public FakeSwitch closeOnFlowMod() {
        this.closeOnFlowMod = true;
        return this;
    }

    public FakeSwitch silentToEcho() {
        this.answerEcho = false;
        return this;
    }

    /** Answers a flow mod of this priority with OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL. */
    public FakeSwitch refuseFlowsOfPriority(int priority) {
        this.refusePriority = priority;
        return this;
    }

    public FakeSwitch connect(InetSocketAddress controller) throws InterruptedException {
        channel = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) throws javax.net.ssl.SSLException {
                        if (tls) {
                            ch.pipeline().addLast(io.netty.handler.ssl.SslContextBuilder.forClient()
                                    .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build()
                                    .newHandler(ch.alloc()));
                        }
                        OfpPipeline.install(ch.pipeline()).addLast(new Handler());
                    }
                })
                .connect(controller).sync().channel();
        channel.writeAndFlush(new OfpHello(0, helloVersion, helloBitmap));
        return this;
    }

    /**
     * Sends ECHO_REQUEST and waits for its reply: the controller handles a connection's messages in
     * order, so everything it answered to earlier messages has arrived by then.
     */
    public void barrierRoundTrip() throws InterruptedException {
        int xid = 0x7E57_0000 + (int) (System.nanoTime() & 0xFFFF);
        send(new OfpEchoRequest(xid, new byte[0]));
        await(OfpEchoReply.class, r -> r.xid() == xid);
    }

    public void send(OfpMessage m) {
        channel.writeAndFlush(m).syncUninterruptibly();
    }

    /** The next received message of type {@code type} that {@code test} accepts, within 10 s. */
    public <T extends OfpMessage> T await(Class<T> type, Predicate<T> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long left = deadline - System.nanoTime();
            OfpMessage m = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (m == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within 10 s; got " + all);
            }
            if (type.isInstance(m) && test.test(type.cast(m))) {
                return type.cast(m);
            }
        }
    }

    public <T extends OfpMessage> T await(Class<T> type) throws InterruptedException {
        return await(type, m -> true);
    }

    /** Every message received so far. */
    public List<OfpMessage> received() {
        return List.copyOf(all);
    }

    /** The flow table as the flow mods left it. */
    public List<OfpFlowMod> flows() {
        return List.copyOf(flows);
    }

    /** Waits until the connection is closed (by the controller), within 10 s. */
    public void awaitClosed() {
        if (!channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            throw new AssertionError("connection still open after 10 s");
        }
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof OfpMessage m)) {
                return;
            }
            if (m instanceof OfpEchoReply) {
                all.add(m);
                received.add(m);
                return;
            }
            switch (m) {
                case OfpFeaturesRequest r -> ctx.writeAndFlush(new OfpFeaturesReply(r.xid(), dpid, 256, 254, 0,
                        OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_PORT_STATS));
                case OfpEchoRequest e -> {
                    if (answerEcho) {
                        ctx.writeAndFlush(new OfpEchoReply(e.xid(), e.data()));
                    }
                }
                case OfpBarrierRequest b -> {
                    if (answerBarrier) {
                        ctx.writeAndFlush(new OfpBarrierReply(b.xid()));
                    }
                }
                case OfpRoleRequest r -> ctx.writeAndFlush(new OfpRoleReply(r.xid(),
                        r.role() == ControllerRole.NOCHANGE ? ControllerRole.EQUAL : r.role(), r.generationId()));
                case OfpMultipartRequest r when unknownMeter(r.body()) ->
                        ctx.writeAndFlush(OfpError.of(r.xid(), ErrorCode.METER_MOD_FAILED_UNKNOWN_METER, new byte[0]));
                case OfpMultipartRequest r -> ctx.writeAndFlush(OfpMultipartReply.of(r.xid(), multipart(r.body())));
                case OfpFlowMod f -> flowMod(ctx, f);
                case OfpGroupMod g -> groupMod(ctx, g);
                case dev.iovirt.openflow.OfpMeterMod mm -> meterMod(ctx, mm);
                default -> { }
            }
            all.add(m);
            received.add(m);
        }
    }

    /** A meter request for one meter this switch lacks, which Open vSwitch answers with an error. */
    private boolean unknownMeter(MpRequest body) {
        dev.iovirt.openflow.MeterId id = switch (body) {
            case MpRequest.MeterConfig c -> c.meterId();
            case MpRequest.Meter c -> c.meterId();
            default -> null;
        };
        return id != null && !id.equals(dev.iovirt.openflow.MeterId.ALL) && !meters.containsKey(id.value());
    }

    private MpReply multipart(MpRequest body) {
        return switch (body) {
            case MpRequest.PortDesc p -> new MpReply.PortDescs(ports);
            case MpRequest.PortStats p -> {
                List<PortStats> stats = new ArrayList<>();
                for (Port port : ports) {
                    int n = port.portNo().value();
                    stats.add(new PortStats(port.portNo(), 10L * n, 20L * n, 1000L * n, 2000L * n, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0));
                }
                yield new MpReply.Ports(stats);
            }
            case MpRequest.GroupDesc g -> {
                List<GroupDesc> descs = new ArrayList<>();
                for (OfpGroupMod m : groups.values()) {
                    descs.add(new GroupDesc(m.groupType(), m.groupId(), m.buckets()));
                }
                yield new MpReply.GroupDescs(descs);
            }
            case MpRequest.Group g -> {
                // Every group reports 10 packets, 1000 bytes; bucket i has i + 1 packets of 100 bytes.
                List<dev.iovirt.openflow.GroupStats> stats = new ArrayList<>();
                for (OfpGroupMod m : groups.values()) {
                    long[] counters = new long[2 * m.buckets().size()];
                    for (int i = 0; i < m.buckets().size(); i++) {
                        counters[2 * i] = i + 1;
                        counters[2 * i + 1] = 100L * (i + 1);
                    }
                    stats.add(new dev.iovirt.openflow.GroupStats(m.groupId(), 1, 10, 1000, 5, 0, counters));
                }
                yield new MpReply.Groups(stats);
            }
            case MpRequest.MeterConfig c -> {
                List<dev.iovirt.openflow.MeterConfig> configs = new ArrayList<>();
                for (dev.iovirt.openflow.OfpMeterMod m : meters.values()) {
                    if (c.meterId().equals(dev.iovirt.openflow.MeterId.ALL) || c.meterId().equals(m.meterId())) {
                        configs.add(new dev.iovirt.openflow.MeterConfig(m.flags(), m.meterId(), m.bands()));
                    }
                }
                yield new MpReply.MeterConfigs(configs);
            }
            case MpRequest.Meter c -> {
                List<dev.iovirt.openflow.MeterStats> stats = new ArrayList<>();
                for (dev.iovirt.openflow.OfpMeterMod m : meters.values()) {
                    if (c.meterId().equals(dev.iovirt.openflow.MeterId.ALL) || c.meterId().equals(m.meterId())) {
                        long[] counters = new long[2 * m.bands().size()];
                        for (int i = 0; i < counters.length; i += 2) {
                            counters[i] = 4;
                            counters[i + 1] = 400;
                        }
                        stats.add(new dev.iovirt.openflow.MeterStats(m.meterId(), 1, 10, 1000, 7, 0, counters));
                    }
                }
                yield new MpReply.Meters(stats);
            }
            case MpRequest.Flow f -> {
                List<FlowStats> stats = new ArrayList<>();
                for (OfpFlowMod m : flows) {
                    stats.add(new FlowStats(m.tableId(), 1, 0, m.priority(), m.idleTimeout(), m.hardTimeout(), m.flags(),
                            m.cookie(), 3, 180, m.match(), m.instructions()));
                }
                yield new MpReply.Flows(stats);
            }
            default -> throw new IllegalArgumentException("fake switch does not answer " + body);
        };
    }

    /** The group table as the group mods left it. */
    public List<OfpGroupMod> groups() {
        return List.copyOf(groups.values());
    }

    /** The meter table as the meter mods left it. */
    public List<dev.iovirt.openflow.OfpMeterMod> meters() {
        return List.copyOf(meters.values());
    }

    /** ADD (refused with METER_EXISTS for a taken id) and DELETE; the stats report 10 packets, 4 per band. */
    private void meterMod(ChannelHandlerContext ctx, dev.iovirt.openflow.OfpMeterMod m) {
        int id = m.meterId().value();
        switch (m.command()) {
            case ADD -> {
                if (meters.containsKey(id)) {
                    ctx.writeAndFlush(OfpError.of(m.xid(), ErrorCode.METER_MOD_FAILED_METER_EXISTS, new byte[0]));
                    return;
                }
                meters.put(id, m);
            }
            case DELETE -> {
                if (m.meterId().equals(dev.iovirt.openflow.MeterId.ALL)) {
                    meters.clear();
                } else {
                    meters.remove(id);
                }
            }
            default -> { }
        }
    }

    private void groupMod(ChannelHandlerContext ctx, OfpGroupMod g) {
        int id = g.groupId().value();
        if (g.command() == GroupModCommand.ADD) {
            if (groups.containsKey(id)) {
                ctx.writeAndFlush(OfpError.of(g.xid(), ErrorCode.GROUP_MOD_FAILED_GROUP_EXISTS, new byte[0]));
                return;
            }
            groups.put(id, g);
        } else if (g.command() == GroupModCommand.MODIFY) {
            if (!groups.containsKey(id)) {
                ctx.writeAndFlush(OfpError.of(g.xid(), ErrorCode.GROUP_MOD_FAILED_UNKNOWN_GROUP, new byte[0]));
                return;
            }
            groups.put(id, g);
        } else if (g.command() == GroupModCommand.DELETE) {
            if (id == GroupId.ALL.value()) {
                groups.clear();
            } else {
                groups.remove(id);
            }
        }
    }

    private void flowMod(ChannelHandlerContext ctx, OfpFlowMod f) {
        if (closeOnFlowMod && f.priority() != 0) {
            ctx.close();
            return;
        }
        if (f.priority() == refusePriority) {
            ctx.writeAndFlush(OfpError.of(f.xid(), ErrorCode.FLOW_MOD_FAILED_TABLE_FULL, new byte[0]));
            return;
        }
        if (f.command() == FlowModCommand.ADD) {
            flows.removeIf(old -> old.tableId().equals(f.tableId()) && old.priority() == f.priority() && old.match().equals(f.match()));
            flows.add(f);
        } else if (f.command() == FlowModCommand.DELETE) {
            flows.removeIf(old -> (f.tableId().value() == 0xFF || old.tableId().equals(f.tableId()))
                    && (f.match().isEmpty() || old.match().equals(f.match())));
        } else if (f.command() == FlowModCommand.DELETE_STRICT) {
            flows.removeIf(old -> old.tableId().equals(f.tableId()) && old.priority() == f.priority() && old.match().equals(f.match()));
        }
    }
}
