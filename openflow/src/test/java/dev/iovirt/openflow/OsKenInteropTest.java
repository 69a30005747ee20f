package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.netty.OfpMalformed;
import dev.iovirt.openflow.netty.OfpPipeline;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.Peers;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * os-ken (the maintained Ryu) as the controller of a minimal switch made of our Netty pipeline:
 * the handshake it drives (HELLO, FEATURES, PORT_DESC), the table-miss flow it installs, and the
 * PACKET_OUTs and FLOW_MODs of a learning-switch app in answer to our PACKET_INs all decode, and
 * os-ken reads what we send.
 */
@Tag("interop")
class OsKenInteropTest {
    private static final String APP = """
            from os_ken.base import app_manager
            from os_ken.controller import ofp_event
            from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
            from os_ken.ofproto import ofproto_v1_3

            class Learn(app_manager.OSKenApp):
                OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.macs = {}

                @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
                def features(self, ev):
                    dp = ev.msg.datapath
                    p, o = dp.ofproto_parser, dp.ofproto
                    out = [p.OFPActionOutput(o.OFPP_CONTROLLER, o.OFPCML_NO_BUFFER)]
                    dp.send_msg(p.OFPFlowMod(datapath=dp, priority=0, match=p.OFPMatch(),
                                             instructions=[p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, out)]))

                @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
                def packet_in(self, ev):
                    msg = ev.msg
                    dp = msg.datapath
                    p, o = dp.ofproto_parser, dp.ofproto
                    in_port = msg.match['in_port']
                    data = msg.data
                    dst = ':'.join('%02x' % b for b in data[0:6])
                    src = ':'.join('%02x' % b for b in data[6:12])
                    self.macs[src] = in_port
                    out_port = self.macs.get(dst, o.OFPP_FLOOD)
                    actions = [p.OFPActionOutput(out_port)]
                    if out_port != o.OFPP_FLOOD:
                        match = p.OFPMatch(in_port=in_port, eth_dst=dst, eth_src=src)
                        dp.send_msg(p.OFPFlowMod(datapath=dp, priority=1, match=match,
                                                 instructions=[p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, actions)]))
                    dp.send_msg(p.OFPPacketOut(datapath=dp, buffer_id=o.OFP_NO_BUFFER, in_port=in_port,
                                               actions=actions, data=data))
            """;
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");

    private static EventLoopGroup group;
    private static Channel server;
    private static Process osken;
    private static Path dir;
    private static final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private static final CompletableFuture<Channel> connection = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        Peers.require("osken-manager", "python3-os-ken");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        OfpPipeline.install(ch.pipeline()).addLast(new Switch());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        int switchPort = ((InetSocketAddress) server.localAddress()).getPort();
        int listenPort;
        try (ServerSocket s = new ServerSocket(0)) {
            listenPort = s.getLocalPort(); // os-ken also listens; give it a port nobody uses
        }
        dir = Files.createTempDirectory("osken");
        Path app = dir.resolve("learn.py");
        Files.writeString(app, APP);
        osken = new ProcessBuilder("osken-manager", "--ofp-listen-host", "127.0.0.1", "--ofp-tcp-listen-port",
                Integer.toString(listenPort), "--ofp-switch-address-list", "127.0.0.1:" + switchPort, app.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("osken.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (osken != null) {
            osken.destroy();
            osken.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The next message os-ken sends of {@code type}, skipping others (echo, port desc requests). */
    private static <T> T next(Class<T> type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Object o = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (o == null) {
                throw new AssertionError("os-ken sent no " + type.getSimpleName() + "; its log:\n" + Files.readString(dir.resolve("osken.log")));
            }
            assertThat(o).isNotInstanceOf(OfpMalformed.class);
            if (type.isInstance(o)) {
                return type.cast(o);
            }
        }
    }

    @Test
    void learningSwitchOnOsKenDrivesOurCodec() throws Exception {
        OfpFlowMod tableMiss = next(OfpFlowMod.class);
        assertThat(tableMiss.priority()).isZero();
        assertThat(tableMiss.match()).isEqualTo(Match.ALL);
        assertThat(tableMiss.applyActions()).containsExactly(new Action.Output(PortNo.CONTROLLER, Action.CML_NO_BUFFER));
        Channel ch = connection.get(30, TimeUnit.SECONDS);

        byte[] fromA = PacketBuilder.ethernet(A, MacAddress.BROADCAST).ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.255")).udp(68, 67).build();
        ch.writeAndFlush(new OfpPacketIn(0, BufferId.NO_BUFFER, fromA.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(1).build(), fromA));
        OfpPacketOut flood = next(OfpPacketOut.class);
        assertThat(flood.inPort()).isEqualTo(PortNo.of(1));
        // os-ken fills max_len with OFPCML_MAX (0xffe5) on every output; it only matters for CONTROLLER.
        assertThat(flood.actions()).containsExactly(new Action.Output(PortNo.FLOOD, Action.CML_MAX));
        assertThat(flood.data()).isEqualTo(fromA);

        byte[] fromB = PacketBuilder.ethernet(B, A).ipv4(Ipv4Address.of("10.0.0.2"), Ipv4Address.of("10.0.0.1")).udp(67, 68).build();
        ch.writeAndFlush(new OfpPacketIn(0, BufferId.NO_BUFFER, fromB.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(2).build(), fromB));
        OfpFlowMod learned = next(OfpFlowMod.class);
        assertThat(learned.priority()).isEqualTo(1);
        assertThat(learned.match()).isEqualTo(Match.builder().inPort(2).ethDst(A).ethSrc(B).build());
        assertThat(learned.applyActions()).containsExactly(new Action.Output(PortNo.of(1), Action.CML_MAX));
        OfpPacketOut direct = next(OfpPacketOut.class);
        assertThat(direct.actions()).containsExactly(new Action.Output(PortNo.of(1), Action.CML_MAX));
        assertThat(direct.data()).isEqualTo(fromB);
    }

    /** Handshake answers and a record of everything os-ken sends. */
    private static final class Switch extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
            if (!(msg instanceof OfpMessage m)) {
                return;
            }
            switch (m) {
                case OfpHello h -> ctx.writeAndFlush(OfpHello.of(h.xid()));
                case OfpEchoRequest e -> ctx.writeAndFlush(new OfpEchoReply(e.xid(), e.data()));
                case OfpFeaturesRequest f -> {
                    ctx.writeAndFlush(new OfpFeaturesReply(f.xid(), DatapathId.of(0x42), 0, 254, 0,
                            OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_PORT_STATS));
                    connection.complete(ctx.channel());
                }
                case OfpGetConfigRequest g -> ctx.writeAndFlush(new OfpGetConfigReply(g.xid(), 0, 128));
                case OfpBarrierRequest b -> ctx.writeAndFlush(new OfpBarrierReply(b.xid()));
                case OfpMultipartRequest r when r.body() instanceof MpRequest.PortDesc ->
                        ctx.writeAndFlush(OfpMultipartReply.of(r.xid(), new MpReply.PortDescs(List.of(Samples.port(1, "p1"), Samples.port(2, "p2")))));
                case OfpMultipartRequest r when r.body() instanceof MpRequest.Desc ->
                        ctx.writeAndFlush(OfpMultipartReply.of(r.xid(), new MpReply.Desc("iovirt", "test", "0.1", "0", "mini")));
                default -> { }
            }
        }
    }
}
