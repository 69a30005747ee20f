package dev.iovirt.guest.programs;

import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.net.TcpCloseReason;
import dev.iovirt.guest.net.TcpConnection;
import dev.iovirt.guest.net.TcpHandler;
import dev.iovirt.guest.net.TcpListener;

/**
 * The echo service over TCP (RFC 862): every byte a client sends comes back on its connection, and
 * the server closes its side once the client has closed and everything is echoed. Runs in the stack's
 * tasks. Echoing is flow-controlled: bytes are read only as fast as the send buffer takes them, so a
 * client that does not read sees the server's receive window close.
 */
public final class TcpEchoServer {
    /** The echo service's port. RFC 862. */
    public static final int ECHO_PORT = 7;
    private final TcpListener listener;
    /** One buffer for every connection: each echo runs to completion before the next. */
    private final byte[] scratch = new byte[16 * 1024];
    private long echoed;
    private int open;
    private long closed;

    public TcpEchoServer(NetStack stack, int port) {
        this.listener = stack.listen(port, c -> {
            open++;
            return new Echo();
        });
    }

    /** Bytes echoed on every connection so far. */
    public long echoed() {
        return echoed;
    }

    /** Connections accepted and not yet ended. */
    public int openConnections() {
        return open;
    }

    /** Connections that ended, for any reason. */
    public long closedConnections() {
        return closed;
    }

    public TcpListener listener() {
        return listener;
    }

    private final class Echo implements TcpHandler {
        private boolean peerClosed;

        @Override
        public void onData(TcpConnection c, int available) {
            pump(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            pump(c);
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            peerClosed = true;
            pump(c);
        }

        @Override
        public void onClosed(TcpConnection c, TcpCloseReason reason) {
            open--;
            closed++;
        }

        /** Moves what the send buffer can take from the receive buffer to the send buffer; closes when done. */
        private void pump(TcpConnection c) {
            while (true) {
                int n = Math.min(Math.min(c.available(), scratch.length), c.sendBufferFree());
                if (n == 0) {
                    break;
                }
                c.read(scratch, 0, n);
                c.send(scratch, 0, n);
                echoed += n;
            }
            if (peerClosed && c.available() == 0) {
                c.close();
            }
        }
    }
}
