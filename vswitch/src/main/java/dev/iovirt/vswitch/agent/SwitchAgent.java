package dev.iovirt.vswitch.agent;

import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMeterMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.OfpPortMod;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.OfpRoleReply;
import dev.iovirt.openflow.OfpRoleRequest;
import dev.iovirt.openflow.OfpTableMod;
import dev.iovirt.openflow.netty.OfpPipeline;
import dev.iovirt.packet.FramePort;
import dev.iovirt.vswitch.ofproto.Bridge;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The OpenFlow agent of one {@link Bridge}: it owns the bridge and the one thread that drives it
 * (the switch thread), accepts connections on passive listeners, keeps active connections to
 * controllers, and carries messages between the connections and the bridge through a mailbox.
 *
 * <p>Two ways to drive it:
 * <ul>
 *   <li>{@link #start()}: a real switch thread loops "drain mailbox, poll ports, expire flows" and
 *       parks when there is nothing to do, until a port's receive listener or a mailbox submission
 *       unparks it (or the next once-a-second flow expiry is due). It never spins idle.</li>
 *   <li>Step mode (never started): the caller's thread does the same work in
 *       {@link #runUntilQuiet()}, so that tests are deterministic.</li>
 * </ul>
 *
 * <p>Invariant: only the switch thread (or, in step mode, the thread calling
 * {@link #runUntilQuiet()}) touches the bridge, the connections' roles and the role generation.
 * Netty event loops only {@linkplain #submit submit} work.
 */
public final class SwitchAgent implements AutoCloseable {
    /** How many mailbox entries the switch thread takes before it polls the ports again. */
    private static final int MAILBOX_BURST = 64;
    private static final long EXPIRY_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Bridge bridge;
    private final AgentConfig config;
    private final AgentListener listener;
    private final FailOpen failOpen;
    private final Queue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
    private final Set<OfConnection> connections = new CopyOnWriteArraySet<>();
    private final List<ActiveController> controllers = new CopyOnWriteArrayList<>();
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean signal = new AtomicBoolean();
    private EventLoopGroup group;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean closed;

    // Switch-thread state.
    /** The last generation_id a master or slave role request carried (OF 1.3.5 §6.3.6). */
    private long generationId;
    private boolean generationDefined;
    /** Written on the switch thread; volatile so that others may look. */
    private volatile boolean failOpenActive;
    private boolean failOpenKnown;

    public SwitchAgent(Bridge bridge, AgentConfig config, AgentListener listener) {
        this(bridge, config, listener, FailOpen.HIDDEN);
    }

    public SwitchAgent(Bridge bridge, AgentConfig config, AgentListener listener, FailOpen failOpen) {
        this.bridge = bridge;
        this.config = config;
        this.listener = listener;
        this.failOpen = failOpen;
        bridge.setEventSink(this::dispatch);
        submit(this::updateFailOpen);
    }

    public AgentConfig config() {
        return config;
    }

    AgentListener listener() {
        return listener;
    }

    // ------------------------------------------------------------------ the switch thread

    /** Starts the switch thread. After this, {@link #runUntilQuiet()} is refused. */
    public synchronized void start() {
        if (thread != null || closed) {
            throw new IllegalStateException(closed ? "agent is closed" : "agent already started");
        }
        running = true;
        Thread t = new Thread(this::loop, "iovirt-switch-" + bridge.name());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        long nextExpiry = System.nanoTime() + EXPIRY_PERIOD_NANOS;
        while (running) {
            signal.set(false);
            int work = drainMailbox(MAILBOX_BURST) + poll();
            long now = System.nanoTime();
            if (now - nextExpiry >= 0) {
                expire();
                nextExpiry = now + EXPIRY_PERIOD_NANOS;
            }
            // A wake() after signal.set(false) either sets the signal before we look or unparks us
            // after we park; LockSupport keeps the permit, so no wake-up is lost.
            if (work == 0 && !signal.get()) {
                LockSupport.parkNanos(this, Math.max(0, nextExpiry - now));
            }
        }
        drainMailbox(Integer.MAX_VALUE);
    }

    /** Unparks the switch thread; called by port receive listeners and by {@link #submit}. */
    void wake() {
        signal.set(true);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Step mode: drains the mailbox, polls the ports and expires flows on the caller's thread until
     * nothing is left to do. Returns the number of mailbox entries and frames processed.
     */
    public int runUntilQuiet() {
        if (thread != null) {
            throw new IllegalStateException("the switch thread drives this agent; runUntilQuiet is for step mode");
        }
        int total = 0;
        while (true) {
            int n = drainMailbox(Integer.MAX_VALUE) + poll();
            n += expire();
            if (n == 0) {
                return total;
            }
            total += n;
        }
    }

    private int drainMailbox(int max) {
        int n = 0;
        for (Runnable r; n < max && (r = mailbox.poll()) != null; n++) {
            try {
                r.run();
            } catch (RuntimeException e) {
                listener.warning("switch " + bridge.name() + ": " + e);
            }
        }
        return n;
    }

    private int poll() {
        try {
            return bridge.poll();
        } catch (RuntimeException e) {
            listener.warning("switch " + bridge.name() + ": datapath: " + e);
            return 0;
        }
    }

    private int expire() {
        try {
            return bridge.expireFlows();
        } catch (RuntimeException e) {
            listener.warning("switch " + bridge.name() + ": flow expiry: " + e);
            return 0;
        }
    }

    /** Runs {@code work} on the switch thread (or at the next {@link #runUntilQuiet()}). */
    void submit(Runnable work) {
        mailbox.add(work);
        wake();
    }

    /** Runs {@code work} with the bridge on the switch thread; the future completes with its result. */
    public <T> CompletableFuture<T> call(Function<Bridge, T> work) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("agent for " + bridge.name() + " is closed"));
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(() -> {
            try {
                f.complete(work.apply(bridge));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Runs {@code work} with the bridge on the switch thread. */
    public CompletableFuture<Void> execute(Consumer<Bridge> work) {
        return call(b -> {
            work.accept(b);
            return null;
        });
    }

    /**
     * Adds a port on the switch thread (announced to controllers by OFPT_PORT_STATUS) and lets the
     * port wake the switch thread when frames arrive.
     */
    public CompletableFuture<Void> addPort(int number, String name, FramePort port) {
        port.setReceiveListener(this::wake);
        return execute(b -> b.addPort(number, name, port));
    }

    // ------------------------------------------------------------------ controller messages (switch thread)

    /** Called on an event loop: queues a controller's message for the switch thread. */
    void fromController(OfConnection c, OfpMessage m) {
        submit(() -> handle(c, m));
    }

    /**
     * Carries out a message that arrived on {@code c}, even if {@code c} has closed since: what a
     * controller sent before it went (a flow-mod and a close) takes effect; only the replies are lost.
     */
    private void handle(OfConnection c, OfpMessage m) {
        c.dequeued();
        List<OfpMessage> replies;
        if (m instanceof OfpRoleRequest r) {
            replies = role(c, r);
        } else if (c.role == ControllerRole.SLAVE && modifiesState(m)) {
            // OF 1.3.5 §6.3.6: a slave may not send packets or change the switch's state.
            replies = List.of(error(m, ErrorCode.BAD_REQUEST_IS_SLAVE));
        } else {
            try {
                replies = bridge.handle(m);
            } catch (RuntimeException e) {
                // A bug, not the controller's fault; answer so that it does not wait forever for a reply.
                listener.warning(c.peer() + ": " + m.type() + " failed inside the switch: " + e);
                replies = List.of(error(m, ErrorCode.BAD_REQUEST_EPERM));
            }
        }
        c.send(framed(m, replies));
        listener.handled(c.peer(), m);
    }

    private static boolean modifiesState(OfpMessage m) {
        return m instanceof OfpPacketOut || m instanceof OfpFlowMod || m instanceof OfpGroupMod
                || m instanceof OfpPortMod || m instanceof OfpTableMod || m instanceof OfpMeterMod;
    }

    /**
     * The replies as they go on the wire: errors carrying the start of the offending request (§7.4.4:
     * at least 64 bytes). The bridge already splits long multipart replies (§7.3.5, REPLY_MORE).
     */
    private static List<OfpMessage> framed(OfpMessage request, List<OfpMessage> replies) {
        List<OfpMessage> out = new ArrayList<>(replies.size());
        for (OfpMessage r : replies) {
            if (r instanceof OfpError e && e.data().length == 0 && e.xid() == request.xid()) {
                out.add(new OfpError(e.xid(), e.errorType(), e.code(), offending(request)));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static byte[] offending(OfpMessage request) {
        byte[] b = OfpCodec.encode(request);
        return b.length <= OfpException.OFFENDING_BYTES ? b : Arrays.copyOf(b, OfpException.OFFENDING_BYTES);
    }

    private static OfpError error(OfpMessage request, ErrorCode code) {
        return OfpError.of(request.xid(), code, offending(request));
    }

    /** OF 1.3.5 §6.3.6 and §7.3.9: role changes, master election by generation_id. */
    private List<OfpMessage> role(OfConnection c, OfpRoleRequest r) {
        ControllerRole want = r.role();
        if (want == ControllerRole.NOCHANGE) {
            return List.of(new OfpRoleReply(r.xid(), c.role, generationId));
        }
        if (want == ControllerRole.MASTER || want == ControllerRole.SLAVE) {
            // A request whose generation_id is older than the last one seen is stale (distance as signed 64 bits).
            if (generationDefined && r.generationId() - generationId < 0) {
                return List.of(error(r, ErrorCode.ROLE_REQUEST_FAILED_STALE));
            }
            generationId = r.generationId();
            generationDefined = true;
        }
        if (want == ControllerRole.MASTER) {
            // At most one master: the others become slaves.
            for (OfConnection other : connections) {
                if (other != c && other.role == ControllerRole.MASTER) {
                    other.role = ControllerRole.SLAVE;
                }
            }
        }
        c.role = want;
        return List.of(new OfpRoleReply(r.xid(), want, generationId));
    }

    /**
     * The bridge's event sink (switch thread): packet-in, port-status and flow-removed go to every
     * connection that completed its handshake, except that a slave gets only port-status (OF 1.3.5
     * §6.3.6; the default asynchronous configuration of §7.3.10). A packet-in for a connection whose
     * send buffer is full is dropped and counted, as a switch rate-limits packet-ins rather than
     * queue without bound; port-status and flow-removed are always queued.
     */
    private void dispatch(OfpMessage event) {
        for (OfConnection c : connections) {
            if (!c.isReady() || c.role == ControllerRole.SLAVE && !(event instanceof OfpPortStatus)) {
                continue;
            }
            if (event instanceof OfpPacketIn && !c.channel().isWritable()) {
                c.packetInsDropped++;
                continue;
            }
            c.channel().writeAndFlush(event);
        }
    }

    // ------------------------------------------------------------------ connections

    /** Called on an event loop when {@code c} completed its handshake. */
    void connectionReady(OfConnection c) {
        connections.add(c);
        listener.connected(c.peer(), c.isActive());
        if (c.isActive()) {
            submit(this::updateFailOpen);
        }
    }

    /** Called on an event loop when {@code c}'s channel closed. */
    void connectionClosed(OfConnection c, boolean wasReady) {
        connections.remove(c);
        if (wasReady) {
            listener.disconnected(c.peer(), c.isActive(), "connection closed");
            if (c.isActive()) {
                submit(this::updateFailOpen);
            }
        }
    }

    /**
     * Switch thread: fail-open is active when the fail mode is standalone and no active controller
     * connection has completed its handshake. Passive connections (ovs-ofctl and the like) are
     * management sessions and do not count, so a flow dump does not switch learning off and on.
     */
    private void updateFailOpen() {
        if (closed) {
            return; // connections closing because the agent closes: nothing left to fail open for
        }
        boolean want = config.failMode() == FailMode.STANDALONE
                && connections.stream().noneMatch(c -> c.isActive() && c.isReady());
        if (failOpenKnown && want == failOpenActive) {
            return;
        }
        boolean changed = failOpenKnown || want;
        failOpenKnown = true;
        failOpenActive = want;
        if (want) {
            failOpen.activate(bridge);
        } else if (changed) {
            failOpen.deactivate(bridge);
        }
        if (changed) {
            listener.failOpen(want);
        }
    }

    /** Whether fail-open is active (as of the switch thread's last decision). */
    public boolean isFailOpen() {
        return failOpenActive;
    }

    /** How many connections have completed their handshake. */
    public int connectionCount() {
        return (int) connections.stream().filter(OfConnection::isReady).count();
    }

    /**
     * The pipeline of one OpenFlow channel: inactivity probe, OpenFlow codec, and the connection
     * handler. Used for accepted, outgoing and (in tests) embedded channels.
     */
    public ChannelInitializer<Channel> channelInitializer(String peer, boolean active) {
        return channelInitializer(peer, active, () -> { });
    }

    ChannelInitializer<Channel> channelInitializer(String peer, boolean active, Runnable onReady) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                long probe = config.probeInterval().toNanos();
                ch.pipeline().addLast("probe", new IdleStateHandler(probe, 0, 0, TimeUnit.NANOSECONDS));
                OfpPipeline.install(ch.pipeline());
                ch.pipeline().addLast("connection", new OfConnection(SwitchAgent.this, peer, active, onReady));
            }
        };
    }

    synchronized EventLoopGroup group() {
        if (closed) {
            throw new IllegalStateException("agent is closed");
        }
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        return group;
    }

    /**
     * Listens for OpenFlow connections (as {@code ovs-vsctl set-controller br0 ptcp:PORT:HOST}), so
     * that {@code ovs-ofctl -O OpenFlow13 dump-flows tcp:HOST:PORT} manages the switch. Port 0 picks
     * a free port.
     *
     * @return the address actually bound
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    public InetSocketAddress listen(ControllerTarget at) throws IOException {
        var future = new ServerBootstrap().group(group()).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
                        String peer = "ptcp peer " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
                        ch.pipeline().addLast(channelInitializer(peer, false));
                    }
                })
                .bind(at.socketAddress()).awaitUninterruptibly();
        if (!future.isSuccess()) {
            Throwable t = future.cause();
            throw new IOException("cannot listen on " + at.host() + ":" + at.port() + ": "
                    + (t.getMessage() != null ? t.getMessage() : t.toString()), t);
        }
        listeners.add(future.channel());
        InetSocketAddress bound = (InetSocketAddress) future.channel().localAddress();
        listener.listening(bound);
        return bound;
    }

    /** Keeps an active connection to a controller, reconnecting with backoff whenever it is lost. */
    public void connect(ControllerTarget controller) {
        ActiveController a = new ActiveController(this, controller);
        controllers.add(a);
        a.start();
    }

    /**
     * Closes every connection and listener, stops reconnecting, stops the switch thread (after it
     * has drained the mailbox) and the event loops. Ports stay open: their owner closes them.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (ActiveController a : controllers) {
            a.stop();
        }
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (OfConnection c : connections) {
            c.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        Thread t = thread;
        if (t != null) {
            running = false;
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        EventLoopGroup g;
        synchronized (this) {
            g = group;
        }
        if (g != null) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "SwitchAgent[" + bridge.name() + ", " + connectionCount() + " connections]";
    }
}
