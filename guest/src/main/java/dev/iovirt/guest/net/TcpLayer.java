package dev.iovirt.guest.net;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.Ipv4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The stack's TCP: the connection table, listeners, ephemeral ports, initial sequence numbers, one
 * timer for every connection's deadlines, and the answers for segments no connection owns. Segments
 * are checked here (length, data offset, options, checksum) and handed to their {@link TcpConnection},
 * which runs the state machine of RFC 9293 §3.10.7.
 */
final class TcpLayer {
    /** Header without options. RFC 9293 §3.1. */
    static final int HEADER = 20;
    // Control bits. RFC 9293 §3.1.
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    // Options. RFC 9293 §3.2.
    static final int OPT_END = 0;
    static final int OPT_NOP = 1;
    static final byte OPT_MSS = 2;
    /** The MSS assumed when the peer sends none. RFC 9293 §3.7.1 (536 for IPv4). */
    static final int DEFAULT_MSS = 536;
    /** Ephemeral ports. RFC 6335 §6. */
    static final int EPHEMERAL_FIRST = 49152;
    static final int EPHEMERAL_LAST = 65535;
    private static final int MAX_LISTENERS = 16;

    private final NetStack stack;
    private final Kernel kernel;
    private final TcpConfig config;
    private final NetStats stats;
    /** The MSS this side announces: the MTU less the IPv4 and TCP headers. */
    final int localMss;
    private final TcpConnection[] table;
    private final TcpListener[] listeners = new TcpListener[MAX_LISTENERS];
    /** The segment being processed, parsed once into fields (no allocation per segment). */
    private final TcpSegment segment = new TcpSegment();
    private int nextEphemeral;
    private long timerDeadline = Long.MAX_VALUE;
    /** Connections with output waiting for the flush task; {@code flushCount} of them. */
    private TcpConnection[] flushQueue;
    private int flushCount;
    private final Task flushTask = k -> {
        flush();
        return false;
    };
    private final Task timerTask = k -> {
        timer();
        return false;
    };
    /** The timer's interrupt-context half: it only schedules the task that does the work. */
    private final Runnable timerExpired;

    TcpLayer(NetStack stack, Kernel kernel, TcpConfig config, NetStats stats, int localMss) {
        this.stack = stack;
        this.kernel = kernel;
        this.timerExpired = () -> kernel.spawn(timerTask);
        this.config = config;
        this.stats = stats;
        this.localMss = localMss;
        this.table = new TcpConnection[config.maxConnections()];
        this.flushQueue = new TcpConnection[config.maxConnections()];
        this.nextEphemeral = EPHEMERAL_FIRST + (int) Long.remainderUnsigned(mix(config.isnSeed()), EPHEMERAL_LAST - EPHEMERAL_FIRST + 1);
    }

    TcpConfig config() {
        return config;
    }

    NetStack stack() {
        return stack;
    }

    NetStats stats() {
        return stats;
    }

    long now() {
        return kernel.nanos();
    }

    List<TcpConnection> connections() {
        List<TcpConnection> out = new ArrayList<>();
        for (TcpConnection c : table) {
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ opens

    TcpListener listen(int port, TcpAcceptor acceptor) {
        checkPort(port);
        int free = -1;
        for (int i = 0; i < MAX_LISTENERS; i++) {
            if (listeners[i] != null && listeners[i].port() == port) {
                throw new IllegalStateException("TCP port " + port + " is already listening");
            }
            if (listeners[i] == null && free < 0) {
                free = i;
            }
        }
        if (free < 0) {
            throw new IllegalStateException("no free TCP listener (" + MAX_LISTENERS + " in use)");
        }
        listeners[free] = new TcpListener(this, port, acceptor);
        return listeners[free];
    }

    void unlisten(TcpListener listener) {
        for (int i = 0; i < MAX_LISTENERS; i++) {
            if (listeners[i] == listener) {
                listeners[i] = null;
            }
        }
    }

    TcpConnection connect(int remote, int remotePort, TcpHandler handler) {
        checkPort(remotePort);
        if (!stack.configured()) {
            throw new IllegalStateException("the interface has no address yet");
        }
        int slot = freeSlot();
        if (slot < 0) {
            throw new IllegalStateException("no free TCP connection (" + table.length + " in use)");
        }
        int port = ephemeralPort(remote, remotePort);
        TcpConnection c = new TcpConnection(this, port, remote, remotePort, handler, null);
        table[slot] = c;
        c.openActive();
        return c;
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TCP port " + port + " is out of range");
        }
    }

    /**
     * A free slot of the connection table. When none is free, the TIME_WAIT connection closest to its
     * end gives its slot up (as Linux does when its time-wait buckets overflow): a full table of
     * TIME_WAIT must not stop new connections. Returns -1 if every slot holds a live connection.
     */
    private int freeSlot() {
        int oldest = -1;
        for (int i = 0; i < table.length; i++) {
            if (table[i] == null) {
                return i;
            }
            if (table[i].state() == TcpState.TIME_WAIT && (oldest < 0 || table[i].nextDeadline() < table[oldest].nextDeadline())) {
                oldest = i;
            }
        }
        if (oldest >= 0) {
            stats.tcpTimeWaitRecycled++;
            table[oldest].endTimeWait();
        }
        return oldest;
    }

    /** The next ephemeral port no connection to {@code remote:remotePort} uses (TIME_WAIT included). */
    private int ephemeralPort(int remote, int remotePort) {
        for (int tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
            int port = nextEphemeral;
            nextEphemeral = port == EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
            if (find(port, remote, remotePort) == null && !listening(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free ephemeral port to " + Ipv4Address.format(remote) + ":" + remotePort);
    }

    private boolean listening(int port) {
        for (TcpListener l : listeners) {
            if (l != null && l.port() == port) {
                return true;
            }
        }
        return false;
    }

    private TcpConnection find(int localPort, int remote, int remotePort) {
        for (TcpConnection c : table) {
            if (c != null && c.localPort == localPort && c.remotePort == remotePort && c.remoteAddress == remote) {
                return c;
            }
        }
        return null;
    }

    /** The connection left CLOSED: free its slot. */
    void remove(TcpConnection connection) {
        for (int i = 0; i < table.length; i++) {
            if (table[i] == connection) {
                table[i] = null;
            }
        }
    }

    /**
     * The initial sequence number, RFC 9293 §3.4.1 with RFC 6528 §3: ISN = M + F(localip, localport,
     * remoteip, remoteport, secretkey), M the 4-microsecond clock (platform time, virtual in tests) and
     * F a keyed mix of the four-tuple. The key is {@link TcpConfig#isnSeed}, so a run repeats.
     */
    int initialSequence(int localPort, int remote, int remotePort) {
        long tuple = (long) stack.addressBits() << 32 ^ (long) remote & 0xFFFF_FFFFL ^ (long) localPort << 16 ^ remotePort;
        return (int) (now() / 4_000) + (int) mix(tuple ^ mix(config.isnSeed()));
    }

    /** SplitMix64's finaliser: a cheap keyed-hash mix. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ------------------------------------------------------------------ receive

    /**
     * A segment for this interface ({@code o}, {@code len}: the IP payload). Malformed segments are
     * counted and dropped; nothing a peer sends throws out of here.
     */
    void receive(byte[] b, int o, int len, int src, int dst) {
        stats.tcpSegmentsIn++;
        if (len < HEADER) {
            stats.tcpHeaderErrors++;
            return;
        }
        int dataOffset = (b[o + 12] & 0xF0) >>> 2;
        if (dataOffset < HEADER || dataOffset > len) {
            stats.tcpHeaderErrors++;
            return;
        }
        if (Checksums.finish(Checksums.sum(b, o, len, Checksums.pseudoHeaderIpv4(src, dst, NetStack.PROTO_TCP, len))) != 0) {
            stats.tcpChecksumErrors++;
            return;
        }
        if (dst == -1 || dst != stack.addressBits()) {
            stats.tcpHeaderErrors++; // TCP is unicast only, RFC 1122 §4.2.3.10
            return;
        }
        TcpSegment s = segment;
        s.sourcePort = Bytes.getU16(b, o);
        s.destinationPort = Bytes.getU16(b, o + 2);
        s.seq = Bytes.getI32(b, o + 4);
        s.ack = Bytes.getI32(b, o + 8);
        s.flags = b[o + 13] & 0x3F;
        s.window = Bytes.getU16(b, o + 14);
        s.data = b;
        s.dataOffset = o + dataOffset;
        s.dataLength = len - dataOffset;
        s.mss = 0;
        if (!parseOptions(b, o + HEADER, o + dataOffset, s)) {
            stats.tcpBadOptions++;
            return;
        }
        TcpConnection c = find(s.destinationPort, src, s.sourcePort);
        if (c != null) {
            c.segmentArrives(s);
            return;
        }
        for (TcpListener l : listeners) {
            if (l != null && l.port() == s.destinationPort) {
                listenSegment(l, s, src);
                return;
            }
        }
        stats.tcpNoPort++;
        closedSegment(s, src);
    }

    /** RFC 9293 §3.2: kinds 0 and 1 are one octet; every other option has a length octet of at least 2. */
    private static boolean parseOptions(byte[] b, int p, int end, TcpSegment s) {
        while (p < end) {
            int kind = b[p] & 0xFF;
            if (kind == OPT_END) {
                return true;
            }
            if (kind == OPT_NOP) {
                p++;
                continue;
            }
            if (p + 1 >= end) {
                return false;
            }
            int length = b[p + 1] & 0xFF;
            if (length < 2 || p + length > end) {
                return false;
            }
            if (kind == OPT_MSS) {
                if (length != 4) {
                    return false;
                }
                s.mss = Bytes.getU16(b, p + 2);
            }
            p += length; // unknown options are skipped, RFC 9293 §3.2 (MUST-6)
        }
        return true;
    }

    /** RFC 9293 §3.10.7.1: a segment for a connection that does not exist is answered by a RST. */
    private void closedSegment(TcpSegment s, int src) {
        if ((s.flags & RST) != 0) {
            return;
        }
        if ((s.flags & ACK) != 0) {
            sendReset(s.destinationPort, src, s.sourcePort, s.ack, 0, RST);
        } else {
            sendReset(s.destinationPort, src, s.sourcePort, 0, s.seq + s.sequenceLength(), RST | ACK);
        }
    }

    /** RFC 9293 §3.10.7.2, LISTEN: an ACK is reset, a SYN opens a connection in SYN_RECEIVED. */
    private void listenSegment(TcpListener listener, TcpSegment s, int src) {
        if ((s.flags & RST) != 0) {
            return;
        }
        if ((s.flags & ACK) != 0) {
            sendReset(s.destinationPort, src, s.sourcePort, s.ack, 0, RST);
            return;
        }
        if ((s.flags & SYN) == 0) {
            return;
        }
        int slot = freeSlot();
        if (slot < 0) {
            stats.tcpListenDrops++; // the SYN is dropped; the peer retransmits it
            return;
        }
        TcpConnection c = new TcpConnection(this, s.destinationPort, src, s.sourcePort, null, listener);
        table[slot] = c;
        c.openPassive(s);
    }

    void sendReset(int localPort, int remote, int remotePort, int seq, int ack, int flags) {
        if (stack.sendTcp(localPort, remote, remotePort, seq, ack, flags, 0, 0, null, 0, 0)) {
            stats.tcpSegmentsOut++;
            stats.tcpResetsOut++;
        }
    }

    // ------------------------------------------------------------------ output

    /** Queues {@code c} for the flush task, which runs after the current task. */
    void scheduleFlush(TcpConnection c) {
        if (c.flushPending) {
            return;
        }
        c.flushPending = true;
        if (flushCount == 0) {
            kernel.spawn(flushTask);
        }
        if (flushCount == flushQueue.length) {
            flushQueue = java.util.Arrays.copyOf(flushQueue, 2 * flushCount); // closed connections still queued
        }
        flushQueue[flushCount++] = c;
    }

    private void flush() {
        for (int i = 0; i < flushCount; i++) {
            TcpConnection c = flushQueue[i];
            flushQueue[i] = null;
            c.flushPending = false;
            c.flush();
        }
        flushCount = 0;
    }

    // ------------------------------------------------------------------ timer

    /** Makes sure the timer runs by {@code deadline}. */
    void armTimer(long deadline) {
        if (deadline >= timerDeadline) {
            return;
        }
        timerDeadline = deadline;
        kernel.addTimer(Math.max(0, deadline - now()), timerExpired);
    }

    /** Runs every connection's due deadlines; re-arms for the earliest left. */
    private void timer() {
        long t = now();
        timerDeadline = Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (TcpConnection c : table) {
            if (c != null) {
                c.timers(t);
            }
        }
        for (TcpConnection c : table) {
            if (c != null) {
                next = Math.min(next, c.nextDeadline());
            }
        }
        if (next != Long.MAX_VALUE) {
            armTimer(next);
        }
    }
}
