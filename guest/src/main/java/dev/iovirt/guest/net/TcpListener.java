package dev.iovirt.guest.net;

/** A passive open: a local port in LISTEN. RFC 9293 §3.5. */
public final class TcpListener {
    private final TcpLayer tcp;
    private final int port;
    private final TcpAcceptor acceptor;
    long accepted;
    boolean open = true;

    TcpListener(TcpLayer tcp, int port, TcpAcceptor acceptor) {
        this.tcp = tcp;
        this.port = port;
        this.acceptor = acceptor;
    }

    public int port() {
        return port;
    }

    TcpAcceptor acceptor() {
        return acceptor;
    }

    /** Connections that completed their handshake here. */
    public long accepted() {
        return accepted;
    }

    /** Stops listening; connections already accepted or half-open carry on. */
    public void close() {
        open = false;
        tcp.unlisten(this);
    }
}
