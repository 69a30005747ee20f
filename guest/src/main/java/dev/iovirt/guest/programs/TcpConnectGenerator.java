package dev.iovirt.guest.programs;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.net.TcpCloseReason;
import dev.iovirt.guest.net.TcpConnection;
import dev.iovirt.guest.net.TcpHandler;
import dev.iovirt.packet.Ipv4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A TCP echo client that opens {@code connections} connections to {@code destination:port}, at most
 * {@code concurrency} at once, each from its own ephemeral port; on each it sends {@code bytes} bytes
 * of a pattern, checks that the echo matches byte for byte, closes, and records the {@link Result}.
 * Run it as a task (it starts the first connections); each ending connection starts the next.
 */
public final class TcpConnectGenerator implements Task {
    /** How one connection ended. */
    public enum Outcome {
        /** Not ended yet. */
        PENDING,
        /** Every byte echoed intact and the connection closed in order. */
        COMPLETED,
        /** An echoed byte differed from the one sent; the connection was aborted. */
        MISMATCH,
        /** The destination answered the SYN with a RST. */
        REFUSED,
        /** The peer reset the connection. */
        RESET,
        /** A segment went unacknowledged through every retransmission. */
        TIMED_OUT,
        /** The connection closed before every byte came back. */
        SHORT,
        /** Never opened: the stack had no free connection, no free port, or no address. */
        NOT_OPENED
    }

    /**
     * One connection's result.
     *
     * @param index the connection's number, from 0
     * @param sourcePort the ephemeral port it used
     * @param connected whether the handshake completed
     * @param connectNanos from SYN to ESTABLISHED, or -1
     * @param bytesSent bytes the peer acknowledged
     * @param bytesEchoed bytes that came back (matching, up to the first mismatch)
     * @param retransmissions segments sent again on this connection
     * @param outcome how it ended
     */
    public record Result(int index, int sourcePort, boolean connected, long connectNanos, long bytesSent, long bytesEchoed,
            long retransmissions, Outcome outcome) {
    }

    private final NetStack stack;
    private final Ipv4Address destination;
    private final int port;
    private final int connections;
    private final int concurrency;
    private final int bytes;
    private final Result[] results;
    private final byte[] chunk = new byte[4096];
    private int started;
    private int running;
    private int ended;

    public TcpConnectGenerator(NetStack stack, Ipv4Address destination, int port, int connections, int concurrency, int bytes) {
        if (connections < 1 || concurrency < 1 || bytes < 0) {
            throw new IllegalArgumentException("connections and concurrency must be positive and bytes not negative");
        }
        this.stack = stack;
        this.destination = destination;
        this.port = port;
        this.connections = connections;
        this.concurrency = concurrency;
        this.bytes = bytes;
        this.results = new Result[connections];
    }

    @Override
    public boolean step(Kernel kernel) {
        startMore();
        return false;
    }

    private void startMore() {
        while (started < connections && running < concurrency) {
            int index = started++;
            running++;
            Client client = new Client(index);
            try {
                client.connection = stack.connect(destination, port, client);
            } catch (IllegalStateException e) {
                results[index] = new Result(index, 0, false, -1, 0, 0, 0, Outcome.NOT_OPENED);
                running--;
                ended++;
                continue;
            }
            results[index] = client.result(Outcome.PENDING);
        }
    }

    /** The byte at {@code position} of connection {@code index}'s stream. */
    static byte pattern(int index, long position) {
        return (byte) (position * 7 + index * 13 + (position >>> 8));
    }

    /** Whether every connection has ended. */
    public boolean finished() {
        return ended == connections;
    }

    /** Connections that ended COMPLETED. */
    public int completed() {
        int n = 0;
        for (Result r : results) {
            n += r != null && r.outcome() == Outcome.COMPLETED ? 1 : 0;
        }
        return n;
    }

    /** Each started connection's result, in the order they were opened. */
    public List<Result> results() {
        List<Result> out = new ArrayList<>();
        for (Result r : results) {
            if (r != null) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private final class Client implements TcpHandler {
        private final int index;
        private TcpConnection connection;
        private long written;
        private long echoed;
        private boolean mismatch;

        Client(int index) {
            this.index = index;
        }

        Result result(Outcome outcome) {
            return new Result(index, connection.localPort(), connection.connectNanos() >= 0, connection.connectNanos(),
                    connection.bytesSent(), echoed, connection.retransmissions(), outcome);
        }

        @Override
        public void onConnected(TcpConnection c) {
            write(c);
            closeIfDone(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            write(c);
        }

        private void write(TcpConnection c) {
            while (written < bytes) {
                int n = (int) Math.min(chunk.length, bytes - written);
                for (int i = 0; i < n; i++) {
                    chunk[i] = pattern(index, written + i);
                }
                int accepted = c.send(chunk, 0, n);
                written += accepted;
                if (accepted < n) {
                    return;
                }
            }
        }

        @Override
        public void onData(TcpConnection c, int available) {
            while (c.available() > 0) {
                int n = c.read(chunk, 0, chunk.length);
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != pattern(index, echoed)) {
                        mismatch = true;
                        c.abort();
                        return;
                    }
                    echoed++;
                }
            }
            closeIfDone(c);
        }

        private void closeIfDone(TcpConnection c) {
            if (echoed >= bytes && written >= bytes) {
                c.close();
            }
        }

        @Override
        public void onClosed(TcpConnection c, TcpCloseReason reason) {
            Outcome outcome = switch (reason) {
                case NORMAL -> echoed == bytes ? Outcome.COMPLETED : Outcome.SHORT;
                case REFUSED -> Outcome.REFUSED;
                case RESET -> Outcome.RESET;
                case TIMED_OUT -> Outcome.TIMED_OUT;
                case ABORTED -> mismatch ? Outcome.MISMATCH : Outcome.SHORT;
            };
            results[index] = result(outcome);
            running--;
            ended++;
            startMore();
        }
    }
}
