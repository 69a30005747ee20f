package dev.iovirt.controller.openflow;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.netty.OfpPipeline;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenFlow 1.3 listener: a Netty server (port {@value ControllerConfig#DEFAULT_PORT} by
 * default) that accepts switch connections, runs each through {@link SwitchConnection}'s
 * handshake, keeps the handshaken ones by datapath id, hands packet-ins to the
 * {@link PacketProcessor}s and reports switch life-cycle events to the {@link SwitchListener}s
 * (the device provider, which turns them into device events).
 *
 * <p>A second connection with a datapath id already connected replaces the first (the old one is
 * closed), as a switch that restarted would do.
 */
public final class OpenFlowController implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OpenFlowController.class.getName());

    private record Registered(int priority, PacketProcessor processor) {
    }

    private final ControllerConfig config;
    private final Map<DatapathId, SwitchConnection> switches = new ConcurrentHashMap<>();
    private final List<Registered> registered = new ArrayList<>();
    private volatile PacketProcessor[] processors = new PacketProcessor[0];
    private final List<SwitchListener> listeners = new CopyOnWriteArrayList<>();
    private final List<SwitchConnection> connections = new CopyOnWriteArrayList<>();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    public OpenFlowController(ControllerConfig config) {
        this.config = config;
    }

    /** Listens on {@code address} (port 0 for any); returns the bound address. */
    public synchronized InetSocketAddress start(InetSocketAddress address) throws InterruptedException {
        if (server != null) {
            throw new IllegalStateException("OpenFlow listener already started on " + server.localAddress());
        }
        SslContext tls = null;
        if (config.tls() != null) {
            try {
                tls = SslContextBuilder.forServer(config.tls().certificateChain().toFile(), config.tls().privateKey().toFile())
                        .build();
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot use TLS certificate " + config.tls().certificateChain()
                        + " with key " + config.tls().privateKey() + ": " + e.getMessage(), e);
            }
        }
        final SslContext sslContext = tls;
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(config.workerThreads(), NioIoHandler.newFactory());
        long echo = config.echoInterval().toMillis();
        server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SwitchConnection conn = new SwitchConnection(OpenFlowController.this, config);
                        connections.add(conn);
                        ch.closeFuture().addListener(f -> connections.remove(conn));
                        if (sslContext != null) {
                            ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("idle", new IdleStateHandler(echo, 0, 0, TimeUnit.MILLISECONDS));
                        OfpPipeline.install(ch.pipeline()).addLast("switch", conn);
                    }
                })
                .bind(address).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** The address the listener is bound to. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    // ---------------------------------------------------------------- registry

    /** The handshaken switches. */
    public Collection<OpenFlowSwitch> switches() {
        return List.copyOf(switches.values());
    }

    public Optional<OpenFlowSwitch> getSwitch(DatapathId dpid) {
        return Optional.ofNullable(switches.get(dpid));
    }

    /** Adds a processor; lower {@code priority} runs first. */
    public synchronized void addPacketProcessor(PacketProcessor p, int priority) {
        registered.add(new Registered(priority, p));
        publishProcessors();
    }

    public synchronized void removePacketProcessor(PacketProcessor p) {
        registered.removeIf(r -> r.processor == p);
        publishProcessors();
    }

    private void publishProcessors() {
        registered.sort(Comparator.comparingInt(Registered::priority));
        PacketProcessor[] now = registered.stream().map(Registered::processor).toArray(PacketProcessor[]::new);
        processors = now;
        for (SwitchConnection c : switches.values()) {
            c.processorsChanged(now);
        }
    }

    PacketProcessor[] processors() {
        return processors;
    }

    public void addSwitchListener(SwitchListener l) {
        listeners.add(l);
    }

    public void removeSwitchListener(SwitchListener l) {
        listeners.remove(l);
    }

    // ---------------------------------------------------------------- from connections

    void switchConnected(SwitchConnection sw, List<Port> ports) {
        SwitchConnection old = switches.put(sw.dpid(), sw);
        if (old != null && old != sw) {
            LOG.info(() -> sw + " replaces an older connection of the same datapath id");
            old.disconnect();
            for (SwitchListener l : listeners) {
                l.switchDisconnected(old);
            }
        }
        for (SwitchListener l : listeners) {
            try {
                l.switchConnected(sw, ports);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener failed on connect of " + sw, e);
            }
        }
    }

    void portStatus(SwitchConnection sw, OfpPortStatus status) {
        for (SwitchListener l : listeners) {
            l.portStatus(sw, status);
        }
    }

    void flowRemoved(SwitchConnection sw, OfpFlowRemoved removed) {
        for (SwitchListener l : listeners) {
            l.flowRemoved(sw, removed);
        }
    }

    void switchDisconnected(SwitchConnection sw) {
        // Invariant: only the connection that holds the datapath id removes it.
        if (switches.remove(sw.dpid(), sw)) {
            for (SwitchListener l : listeners) {
                l.switchDisconnected(sw);
            }
        }
    }

    void unsolicitedError(SwitchConnection sw, OfpError err) {
        LOG.fine(() -> sw + " sent " + err);
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.close().syncUninterruptibly();
        for (SwitchConnection c : connections) {
            c.disconnect();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        server = null;
    }
}
