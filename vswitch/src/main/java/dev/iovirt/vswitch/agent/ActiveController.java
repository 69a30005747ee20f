package dev.iovirt.vswitch.agent;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One configured controller ({@code tcp:HOST:PORT}) that the switch keeps connecting to, as Open
 * vSwitch's rconn: connect; when the attempt fails or the connection is lost, wait the
 * {@link Backoff}'s delay and try again; a completed handshake resets the backoff.
 *
 * <p>Invariant: every method but {@link #start} and {@link #stop} runs on its event loop.
 */
final class ActiveController {
    private final SwitchAgent agent;
    private final ControllerTarget target;
    private final Backoff backoff;
    private final EventLoop loop;
    private volatile boolean stopped;
    private volatile Channel channel;
    /** Whether the current connection completed its handshake (then a loss is a disconnection, not a failed attempt). */
    private boolean handshaken;

    ActiveController(SwitchAgent agent, ControllerTarget target) {
        this.agent = agent;
        this.target = target;
        this.backoff = new Backoff(agent.config().minBackoff(), agent.config().maxBackoff());
        this.loop = agent.group().next();
    }

    void start() {
        loop.execute(this::attempt);
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        handshaken = false;
        ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1000, agent.config().probeInterval().toMillis()))
                .handler(agent.channelInitializer(target.toString(), true, this::ready))
                .connect(target.socketAddress());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                retry(reason(done.cause()));
                return;
            }
            f.channel().closeFuture().addListener(closed -> {
                if (!handshaken) {
                    retry("closed before the handshake completed");
                } else {
                    retry(null);
                }
            });
        });
    }

    /** The failure in a few words: Netty appends ": /HOST:PORT", which the target already says. */
    private static String reason(Throwable t) {
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        int at = m.indexOf(": /");
        return at > 0 ? m.substring(0, at) : m;
    }

    /** On the event loop: the handshake completed. */
    private void ready() {
        handshaken = true;
        backoff.reset();
    }

    private void retry(String failure) {
        if (stopped || agent.isClosed()) {
            return;
        }
        Duration wait = backoff.next();
        if (failure != null) {
            agent.listener().connectFailed(target.toString(), failure, wait);
        }
        loop.schedule(this::attempt, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    void stop() {
        stopped = true;
        Channel c = channel;
        if (c != null) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "ActiveController[" + target + "]";
    }
}
