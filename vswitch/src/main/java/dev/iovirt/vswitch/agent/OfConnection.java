package dev.iovirt.vswitch.agent;

import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.netty.OfpMalformed;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One OpenFlow channel between the switch and a controller (or ovs-ofctl), the last handler of its
 * pipeline. On the channel's event loop it does what needs no switch state: the HELLO exchange and
 * version negotiation (OF 1.3.5 §6.3.1), echo replies, the inactivity probe. Every other message
 * goes into the agent's mailbox, in arrival order, for the switch thread.
 *
 * <p>Invariant: {@link #role} is read and written only on the switch thread (role requests and
 * event dispatch both run there); {@link #ready} is written on the event loop and read anywhere.
 */
final class OfConnection extends ChannelInboundHandlerAdapter {
    /** The versions we speak: OpenFlow 1.3 only (wire version 0x04; OF 1.3.5 §7.5.1 version bitmap). */
    static final int VERSION_BITMAP = 1 << OfpMessage.VERSION;

    private final SwitchAgent agent;
    private final String peer;
    private final boolean active;
    private final Runnable onReady;
    private Channel channel;
    private volatile boolean ready;
    private int nextXid = 1;
    /** The controller's role (OF 1.3.5 §6.3.6); EQUAL until it asks for another. Switch thread only. */
    ControllerRole role = ControllerRole.EQUAL;
    /** Packet-ins not sent because the channel's send buffer was full. Switch thread only. */
    long packetInsDropped;
    /** Messages of this connection waiting in the mailbox. */
    private final AtomicInteger queued = new AtomicInteger();

    /** Above this many queued messages the connection stops reading, so a flood waits in TCP buffers. */
    static final int READ_PAUSE = 1024;
    /** Reading resumes when the switch thread has brought the queue down to this. */
    static final int READ_RESUME = 256;

    OfConnection(SwitchAgent agent, String peer, boolean active, Runnable onReady) {
        this.agent = agent;
        this.peer = peer;
        this.active = active;
        this.onReady = onReady;
    }

    /** Who is at the other end, e.g. {@code tcp:127.0.0.1:6653} or {@code ptcp peer 127.0.0.1:40512}. */
    String peer() {
        return peer;
    }

    boolean isActive() {
        return active;
    }

    /** True once the handshake completed and until the channel closes. */
    boolean isReady() {
        return ready;
    }

    Channel channel() {
        return channel;
    }

    /** Writes and flushes {@code messages}, from any thread; Netty keeps one writer's order. */
    void send(List<OfpMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        for (OfpMessage m : messages) {
            channel.write(m);
        }
        channel.flush();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // OF 1.3.5 §6.3.1: each side sends HELLO as soon as the connection is up, with the versions it supports.
        ctx.writeAndFlush(new OfpHello(xid(), OfpMessage.VERSION, VERSION_BITMAP));
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    private int xid() {
        return nextXid++;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof OfpMalformed bad) {
            // OfpErrorResponder has answered it (and closes the channel if the stream is lost).
            agent.listener().warning(peer + ": " + bad.error().getMessage());
            return;
        }
        OfpMessage m = (OfpMessage) msg;
        if (!ready) {
            handshake(ctx, m);
            return;
        }
        switch (m) {
            // Answered here, not behind the switch thread: a busy switch is still alive.
            case OfpEchoRequest e -> ctx.writeAndFlush(new OfpEchoReply(e.xid(), e.data()));
            case OfpEchoReply e -> { } // any message proves liveness; IdleStateHandler saw it
            case OfpHello h -> { } // a second HELLO changes nothing
            case OfpError e -> agent.listener().warning(peer + " sent " + e);
            default -> {
                if (queued.incrementAndGet() == READ_PAUSE) {
                    ctx.channel().config().setAutoRead(false);
                }
                agent.fromController(this, m);
            }
        }
    }

    /** Switch thread: one queued message was carried out; reading resumes once the backlog is small. */
    void dequeued() {
        if (queued.decrementAndGet() == READ_RESUME && channel != null && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    private void handshake(ChannelHandlerContext ctx, OfpMessage m) {
        if (!(m instanceof OfpHello hello)) {
            // OVS's vconn does the same: anything but HELLO first is a protocol error; no reply.
            agent.listener().warning(peer + ": expected OFPT_HELLO first, got " + m.type() + "; closing");
            ctx.close();
            return;
        }
        int version = hello.negotiate(VERSION_BITMAP);
        if (version != OfpMessage.VERSION) {
            // OF 1.3.5 §6.3.1: no common version: HELLO_FAILED/INCOMPATIBLE with an ASCII explanation, then close.
            String why = "We support OpenFlow 1.3 (0x04); you support " + describe(hello) + ".";
            ctx.writeAndFlush(OfpError.of(hello.xid(), ErrorCode.HELLO_FAILED_INCOMPATIBLE, why.getBytes(StandardCharsets.US_ASCII)))
                    .addListener(ChannelFutureListener.CLOSE);
            agent.listener().warning(peer + ": version negotiation failed: " + why);
            return;
        }
        ready = true;
        agent.connectionReady(this);
        onReady.run();
    }

    private static String describe(OfpHello h) {
        if (h.versionBitmap() == 0) {
            return "up to 0x" + Integer.toHexString(h.version());
        }
        StringBuilder s = new StringBuilder();
        for (int v = 0; v < 32; v++) {
            if ((h.versionBitmap() & 1 << v) != 0) {
                s.append(s.isEmpty() ? "" : ", ").append("0x").append(Integer.toHexString(v));
            }
        }
        return s.toString();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (idle.isFirst() && ready) {
                // Silent for one probe interval: ask (OF 1.3.5 §6.3.2, echo request/reply).
                ctx.writeAndFlush(OfpEchoRequest.of(xid()));
            } else {
                agent.listener().warning(peer + ": no message for " + agent.config().probeInterval().toSeconds()
                        + " s after " + (ready ? "an echo request" : "connecting") + "; disconnecting");
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean was = ready;
        ready = false;
        agent.connectionClosed(this, was);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        agent.listener().warning(peer + ": " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()) + "; closing");
        ctx.close();
    }

    @Override
    public String toString() {
        return "OfConnection[" + peer + (ready ? ", ready" : "") + "]";
    }
}
