package dev.iovirt.vswitch.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A host's VTEP: one UDP socket (by default on port 4789) shared by every VXLAN port of the host,
 * as a kernel VXLAN device or Open vSwitch's {@code vxlan_sys_4789}. Datagrams that arrive are
 * handed to the {@link VxlanPort} whose remote is the sender's address; datagrams from unknown
 * remotes, and malformed ones, are dropped and counted.
 *
 * <pre>
 *  VxlanPort.transmit ─▶ [VXLAN hdr | inner frame] ─▶ UDP to remote:4789 ─▶ peer VxlanEndpoint
 *  peer VxlanEndpoint ─▶ validate (length, I flag) ─▶ port by source IP ─▶ VxlanPort queue ─▶ receive
 * </pre>
 *
 * Invariant: the Netty event loop is the only producer into a port's queue; the switch thread the
 * only consumer.
 */
public final class VxlanEndpoint implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<InetAddress, VxlanPort> byRemote = new ConcurrentHashMap<>();
    private final AtomicLong unknownRemote = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    private VxlanEndpoint(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Opens a VTEP socket on {@code local} (port 0 picks a free one).
     *
     * @throws IllegalStateException naming the address if it cannot be bound
     */
    public static VxlanEndpoint open(InetSocketAddress local) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Holder holder = new Holder();
        try {
            Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            holder.endpoint.deliver(packet);
                        }
                    })
                    .bind(local).syncUninterruptibly().channel();
            VxlanEndpoint e = new VxlanEndpoint(group, ch);
            holder.endpoint = e;
            return e;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot open a VXLAN endpoint on " + local + ": " + e.getMessage(), e);
        }
    }

    /** Lets the handler reach the endpoint created after the bind. */
    private static final class Holder {
        volatile VxlanEndpoint endpoint;
    }

    /** The bound address (with the port chosen if 0 was asked). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    Channel channel() {
        return channel;
    }

    /** Datagrams dropped because no port has their sender as its remote. */
    public long unknownRemoteDrops() {
        return unknownRemote.get();
    }

    /** Datagrams dropped because they were too short or lacked the I flag. */
    public long malformedDrops() {
        return malformed.get();
    }

    void register(VxlanPort port) {
        VxlanPort old = byRemote.putIfAbsent(port.remote().getAddress(), port);
        if (old != null) {
            throw new IllegalArgumentException("remote " + port.remote().getAddress().getHostAddress()
                    + " already has VXLAN port " + old.name());
        }
    }

    void unregister(VxlanPort port) {
        byRemote.remove(port.remote().getAddress(), port);
    }

    private void deliver(DatagramPacket packet) {
        ByteBuf buf = packet.content();
        // RFC 7348 §5: 8-byte header with the I flag, then at least an Ethernet header.
        if (buf.readableBytes() < Vxlan.HEADER + 14 || (buf.getUnsignedByte(buf.readerIndex()) & Vxlan.FLAG_I) == 0) {
            malformed.incrementAndGet();
            return;
        }
        VxlanPort port = byRemote.get(packet.sender().getAddress());
        if (port == null) {
            unknownRemote.incrementAndGet();
            return;
        }
        port.enqueue(buf);
    }

    /** Sends datagrams on the event loop, one flush per batch. */
    void send(List<DatagramPacket> packets) {
        channel.eventLoop().execute(() -> {
            for (DatagramPacket p : packets) {
                channel.write(p, channel.voidPromise());
            }
            channel.flush();
        });
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
