package dev.iovirt.controller.openflow;

import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.OfpRoleReply;
import dev.iovirt.openflow.OfpRoleRequest;
import dev.iovirt.openflow.OfpSetConfig;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.netty.OfpMalformed;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The controller's end of one switch connection: the handshake state machine (OF 1.3.5 §6.3.1:
 * HELLO with version bitmap → FEATURES_REQUEST → SET_CONFIG → OFPMP_PORT_DESC), then dispatch of
 * asynchronous messages and correlation of replies by xid.
 *
 * <pre>
 *  WAIT_HELLO ──hello, 1.3 in common──▶ WAIT_FEATURES ──features reply──▶ WAIT_PORT_DESC ──port desc──▶ ACTIVE
 *      │ no common version: OFPET_HELLO_FAILED/INCOMPATIBLE, close                     (switchConnected)
 *      ▼                                                                                     │ channel closed
 *   CLOSED ◀────────────────────────────────────────────────────────────────────────────────┘ (switchDisconnected)
 * </pre>
 *
 * <p>Keepalive: when nothing has been read for the echo interval the controller sends
 * ECHO_REQUEST; a switch that does not answer within the request timeout is disconnected. Echo
 * requests from the switch are answered in every state.
 *
 * <p>Invariant: channel reads run on the connection's event loop only; {@code pending} is
 * concurrent because requests are registered from any thread.
 */
final class SwitchConnection extends ChannelInboundHandlerAdapter implements OpenFlowSwitch {
    /** The versions we speak: OpenFlow 1.3 only (wire version 4). */
    static final int OUR_VERSIONS = 1 << OfpMessage.VERSION;

    enum State { WAIT_HELLO, WAIT_FEATURES, WAIT_PORT_DESC, ACTIVE, CLOSED }

    /** An outstanding request: its future and, for multipart replies, the parts so far. */
    private static final class Pending {
        final CompletableFuture<OfpMessage> future = new CompletableFuture<>();
        List<OfpMultipartReply> parts;
        ScheduledFuture<?> timeout;
    }

    private final OpenFlowController controller;
    /** Event loop only: the barrier that will end the current turn's batch of {@link #sendWithBarrier} messages. */
    private CompletableFuture<Void> batchBarrier;
    private final ControllerConfig config;
    private final AtomicInteger xids = new AtomicInteger(1);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private volatile State state = State.WAIT_HELLO;
    private volatile Channel channel;
    private volatile OfpFeaturesReply features;
    private volatile DatapathId dpid;
    private volatile ControllerRole role = ControllerRole.EQUAL;
    /** Set when a processor wrote on the event loop; the read batch's end flushes. */
    private boolean flushNeeded;
    private ScheduledFuture<?> handshakeTimeout;
    /** Replaced (never mutated) when apps come and go; read once per packet-in. */
    private volatile PacketProcessor[] processors;

    SwitchConnection(OpenFlowController controller, ControllerConfig config) {
        this.controller = controller;
        this.config = config;
    }

    State state() {
        return state;
    }

    // ---------------------------------------------------------------- Netty

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.writeAndFlush(OfpHello.of(nextXid()));
        handshakeTimeout = ctx.executor().schedule(() -> {
            if (state != State.ACTIVE) {
                ctx.close();
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // The hot path first: a packet-in of a handshaken switch goes straight to the processors.
        if (msg instanceof OfpPacketIn pi) {
            if (state == State.ACTIVE) {
                PacketProcessor[] ps = processors;
                for (PacketProcessor p : ps) {
                    if (p.process(this, pi)) {
                        break;
                    }
                }
            }
            return;
        }
        if (msg instanceof OfpMalformed) {
            return; // OfpErrorResponder has answered it
        }
        OfpMessage m = (OfpMessage) msg;
        switch (m) {
            case OfpHello hello -> onHello(ctx, hello);
            case OfpEchoRequest echo -> write(new OfpEchoReply(echo.xid(), echo.data()));
            case OfpFeaturesReply f -> onFeatures(ctx, f);
            case OfpPortStatus ps -> {
                if (state == State.ACTIVE) {
                    controller.portStatus(this, ps);
                }
            }
            case OfpFlowRemoved fr -> {
                if (state == State.ACTIVE) {
                    controller.flowRemoved(this, fr);
                }
            }
            case OfpError err -> onError(err);
            case OfpMultipartReply part -> onMultipart(part);
            default -> complete(m.xid(), m);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // Keepalive (OF 1.3.5 §6.3.2): an unanswered echo means the switch is gone.
            request(OfpEchoRequest::of).whenComplete((reply, failure) -> {
                if (failure != null) {
                    ctx.close();
                }
            });
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        SwitchDisconnectedException gone = new SwitchDisconnectedException(
                "connection to switch " + (dpid == null ? channel.remoteAddress() : dpid) + " closed");
        for (Integer xid : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(xid);
            if (p != null) {
                cancelTimeout(p);
                p.future.completeExceptionally(gone);
            }
        }
        if (was == State.ACTIVE) {
            controller.switchDisconnected(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---------------------------------------------------------------- handshake

    private void onHello(ChannelHandlerContext ctx, OfpHello hello) {
        if (state != State.WAIT_HELLO) {
            return;
        }
        int version = hello.negotiate(OUR_VERSIONS);
        if (version != OfpMessage.VERSION) {
            // OF 1.3.5 §6.3.1: no common version → OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE, then close.
            byte[] text = ("controller supports only OpenFlow 1.3 (wire version 4); switch offered "
                    + (hello.versionBitmap() != 0 ? "bitmap 0x" + Integer.toHexString(hello.versionBitmap())
                    : "version " + hello.version())).getBytes(StandardCharsets.US_ASCII);
            state = State.CLOSED;
            ctx.writeAndFlush(OfpError.of(hello.xid(), ErrorCode.HELLO_FAILED_INCOMPATIBLE, text))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        state = State.WAIT_FEATURES;
        ctx.writeAndFlush(new OfpFeaturesRequest(nextXid()));
    }

    private void onFeatures(ChannelHandlerContext ctx, OfpFeaturesReply f) {
        if (state != State.WAIT_FEATURES) {
            complete(f.xid(), f);
            return;
        }
        features = f;
        dpid = f.datapathId();
        state = State.WAIT_PORT_DESC;
        // Full packets to the controller, no buffering: OFPCML_NO_BUFFER (OF 1.3.5 §7.3.2).
        ctx.write(new OfpSetConfig(nextXid(), OfpSetConfig.FRAG_NORMAL, OfpSetConfig.MISS_SEND_NO_BUFFER));
        multipart(new MpRequest.PortDesc()).whenComplete((body, failure) -> {
            if (failure != null || !(body instanceof MpReply.PortDescs descs)) {
                ctx.close();
                return;
            }
            state = State.ACTIVE;
            if (handshakeTimeout != null) {
                handshakeTimeout.cancel(false);
            }
            processors = controller.processors();
            controller.switchConnected(this, descs.entries());
        });
    }

    void processorsChanged(PacketProcessor[] now) {
        if (state == State.ACTIVE) {
            processors = now;
        }
    }

    // ---------------------------------------------------------------- correlation

    private void onError(OfpError err) {
        Pending p = pending.remove(err.xid());
        if (p != null) {
            cancelTimeout(p);
            p.future.completeExceptionally(new OpenFlowErrorException(err));
        } else {
            controller.unsolicitedError(this, err);
        }
    }

    private void onMultipart(OfpMultipartReply part) {
        Pending p = pending.get(part.xid());
        if (p == null) {
            return;
        }
        if (part.hasMore()) {
            if (p.parts == null) {
                p.parts = new ArrayList<>();
            }
            p.parts.add(part);
            return;
        }
        OfpMessage whole = part;
        if (p.parts != null) {
            p.parts.add(part);
            whole = OfpMultipartReply.merge(p.parts);
        }
        complete(part.xid(), whole);
    }

    private void complete(int xid, OfpMessage reply) {
        Pending p = pending.remove(xid);
        if (p != null) {
            cancelTimeout(p);
            p.future.complete(reply);
        }
    }

    private static void cancelTimeout(Pending p) {
        if (p.timeout != null) {
            p.timeout.cancel(false);
        }
    }

    // ---------------------------------------------------------------- OpenFlowSwitch

    @Override
    public DatapathId dpid() {
        return dpid;
    }

    @Override
    public OfpFeaturesReply features() {
        return features;
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public int nextXid() {
        int x = xids.getAndIncrement();
        return x == 0 ? xids.getAndIncrement() : x;
    }

    @Override
    public void write(OfpMessage message) {
        Channel ch = channel;
        if (ch.eventLoop().inEventLoop()) {
            ch.write(message, ch.voidPromise());
            flushNeeded = true;
        } else {
            ch.writeAndFlush(message, ch.voidPromise());
        }
    }

    @Override
    public CompletableFuture<OfpMessage> request(IntFunction<OfpMessage> build) {
        int xid = nextXid();
        Pending p = register(xid);
        if (p.future.isDone()) {
            return p.future;
        }
        channel.writeAndFlush(build.apply(xid));
        return p.future;
    }

    private Pending register(int xid) {
        return register(xid, true);
    }

    /** A pending request; {@code timed}: failed after the request timeout if unanswered. */
    private Pending register(int xid, boolean timed) {
        Pending p = new Pending();
        if (state == State.CLOSED || channel == null || !channel.isActive()) {
            p.future.completeExceptionally(new SwitchDisconnectedException("switch " + dpid + " is not connected"));
            return p;
        }
        pending.put(xid, p);
        if (!timed) {
            return p;
        }
        p.timeout = channel.eventLoop().schedule(() -> {
            if (pending.remove(xid, p)) {
                p.future.completeExceptionally(new RequestTimeoutException("switch " + dpid + " did not answer xid "
                        + xid + " within " + config.requestTimeout().toMillis() + " ms"));
            }
        }, config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    @Override
    public CompletableFuture<MpReply> multipart(MpRequest body) {
        return request(xid -> OfpMultipartRequest.of(xid, body)).thenApply(m -> ((OfpMultipartReply) m).body());
    }

    /**
     * Sends the message, then confirms it with a barrier (OF 1.3.5 §6.2: the switch finishes every
     * message before the barrier, errors included, before it answers it; so a barrier reply without an
     * error means applied). Messages sent in one turn of the connection's event loop share one
     * barrier, written after the last of them: a controller programming a switch's thousands of
     * entries sends them with one round trip, as ONOS and OVS's ofctl batch theirs. The message's own
     * error, if the switch sends one, fails its future alone.
     */
    @Override
    public CompletableFuture<Void> sendWithBarrier(IntFunction<OfpMessage> build) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null) {
            result.completeExceptionally(new SwitchDisconnectedException("switch " + dpid + " is not connected"));
            return result;
        }
        if (ch.eventLoop().inEventLoop()) {
            sendInBatch(build, result);
        } else {
            // On the event loop, so that the message and its batch's barrier keep their order on the wire.
            ch.eventLoop().execute(() -> sendInBatch(build, result));
        }
        return result;
    }

    /** Event loop: writes the message and joins it to the barrier that ends this turn's batch. */
    private void sendInBatch(IntFunction<OfpMessage> build, CompletableFuture<Void> result) {
        int xid = nextXid();
        Pending p = register(xid, false); // the batch's barrier times out for it
        if (p.future.isDone()) {
            p.future.whenComplete((m, failure) -> result.completeExceptionally(failure));
            return;
        }
        try {
            channel.write(build.apply(xid));
        } catch (RuntimeException e) {
            pending.remove(xid);
            result.completeExceptionally(e);
            return;
        }
        if (batchBarrier == null) {
            CompletableFuture<Void> batch = new CompletableFuture<>();
            batchBarrier = batch;
            // Runs after every message already queued for this loop: they join this batch.
            channel.eventLoop().execute(() -> {
                batchBarrier = null;
                barrier().whenComplete((v, failure) -> {
                    if (failure != null) {
                        batch.completeExceptionally(failure);
                    } else {
                        batch.complete(null);
                    }
                });
            });
        }
        batchBarrier.whenComplete((ok, failure) -> {
            pending.remove(xid);
            if (p.future.isCompletedExceptionally()) {
                p.future.whenComplete((m, error) -> result.completeExceptionally(error)); // the switch's error
            } else if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(null);
            }
        });
    }

    @Override
    public CompletableFuture<Void> barrier() {
        return request(OfpBarrierRequest::new).thenApply(m -> {
            if (!(m instanceof OfpBarrierReply)) {
                throw new IllegalStateException("switch answered a barrier with " + m.type());
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<ControllerRole> requestRole(ControllerRole want, long generationId) {
        return request(xid -> new OfpRoleRequest(xid, want, generationId)).thenApply(m -> {
            ControllerRole got = ((OfpRoleReply) m).role();
            role = got;
            return got;
        });
    }

    @Override
    public ControllerRole role() {
        return role;
    }

    @Override
    public boolean isConnected() {
        return state != State.CLOSED && channel != null && channel.isActive();
    }

    @Override
    public void disconnect() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return "switch " + (dpid == null ? "?" : dpid) + " at " + (channel == null ? "?" : channel.remoteAddress());
    }
}
