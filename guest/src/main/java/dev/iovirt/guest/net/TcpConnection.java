package dev.iovirt.guest.net;

import static dev.iovirt.guest.net.TcpLayer.ACK;
import static dev.iovirt.guest.net.TcpLayer.FIN;
import static dev.iovirt.guest.net.TcpLayer.PSH;
import static dev.iovirt.guest.net.TcpLayer.RST;
import static dev.iovirt.guest.net.TcpLayer.SYN;

import dev.iovirt.packet.Ipv4Address;

/**
 * One TCP connection: its transmission control block (RFC 9293 §3.3.1) and the state machine of
 * §3.10. Non-blocking: {@link #send} copies what fits into the send buffer and returns the count,
 * {@link #read} drains the receive buffer, and the {@link TcpHandler} hears of every change.
 *
 * <p>Sending: bytes wait in a ring from SND.UNA on; after the task that queued them (see {@link #flush}), segments of at most the peer's MSS leave while
 * the peer's window allows (the sender never has more than SND.WND bytes beyond SND.UNA in flight,
 * except a one-byte zero-window probe). No Nagle, no congestion control (RFC 5681 is not implemented).
 * A retransmission timeout (RFC 6298) goes back to SND.UNA and sends again from there.
 *
 * <p>Receiving: in-order bytes go into a ring whose free space is the advertised window. A segment
 * that starts beyond RCV.NXT (after a gap) is dropped, not queued, and answered with a duplicate ACK;
 * the sender's retransmission fills the gap. The window opens again, by at least an MSS or half the
 * buffer (receiver silly-window avoidance, RFC 9293 §3.8.6.2.2), as the program reads.
 *
 * <p>Sequence numbers are compared modulo 2^32 ({@code a - b < 0}), RFC 9293 §3.4.
 */
public final class TcpConnection {
    private static final long NONE = Long.MAX_VALUE;
    /** Clock granularity G. RFC 6298 §2. */
    private static final long CLOCK_GRANULARITY = 1_000_000L;
    /** The RTO once data flows after a SYN or SYN,ACK timed out, if it was lower. RFC 6298 §5.7. */
    private static final long RTO_AFTER_SYN_TIMEOUT = 3_000_000_000L;
    /** The largest window a header carries without window scaling. RFC 9293 §3.1. */
    private static final int MAX_WINDOW = 65535;

    private final TcpLayer tcp;
    private final TcpConfig config;
    final int localPort;
    final int remoteAddress;
    final int remotePort;
    private final TcpListener listener;
    private TcpHandler handler;
    private TcpState state = TcpState.CLOSED;
    private TcpCloseReason closeReason;

    // Send sequence variables, RFC 9293 §3.3.1; sndMax is the highest SND.NXT reached (a timeout moves SND.NXT back).
    private int iss;
    private int sndUna;
    private int sndNxt;
    private int sndMax;
    private int sndWnd;
    private int sndWl1;
    private int sndWl2;
    /** The largest payload per segment: the peer's MSS option, or 536, but never more than ours. */
    private int sndMss;
    // Receive sequence variables.
    private int irs;
    private int rcvNxt;
    /** The window last advertised: RCV.NXT + this is the right edge the peer may fill. */
    private int rcvAdvertised;

    /** The send ring: {@code sndLength} bytes from {@code sndHead}; the first is sequence number {@code sndSeq}. */
    private final byte[] sndBuffer;
    private int sndHead;
    private int sndLength;
    private int sndSeq;
    /** close() was called: a FIN follows the last byte of the send buffer. */
    private boolean finQueued;
    /** A send() accepted fewer bytes than offered: the handler hears onWritable when room opens. */
    private boolean writableWanted;
    private final byte[] rcvBuffer;
    private int rcvHead;
    private int rcvLength;
    private boolean peerFinished;

    // Retransmission timer, RFC 6298.
    private long srtt;
    private long rttvar;
    private long rto;
    private boolean rttMeasured;
    /** A segment being timed (one at a time): its sequence number and when it left. */
    private boolean timing;
    /** Queued for the stack's flush task. */
    boolean flushPending;
    private int timedSeq;
    private long timedAt;
    private long retransmitDeadline = NONE;
    /** Consecutive timeouts of the segment at SND.UNA. */
    private int retries;
    // Persist timer, RFC 9293 §3.8.6.1.
    private long persistDeadline = NONE;
    private long persistInterval;
    // Delayed ACK, RFC 9293 §3.8.6.3.
    private long ackDeadline = NONE;
    private boolean ackNow;
    private int unackedSegments;
    private long timeWaitDeadline = NONE;

    private final long openedAt;
    private long establishedAt = -1;
    private long bytesSent;
    private long bytesReceived;
    private long retransmissions;

    TcpConnection(TcpLayer tcp, int localPort, int remoteAddress, int remotePort, TcpHandler handler, TcpListener listener) {
        this.tcp = tcp;
        this.config = tcp.config();
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.handler = handler;
        this.listener = listener;
        this.sndBuffer = new byte[config.sendBuffer()];
        this.rcvBuffer = new byte[config.receiveBuffer()];
        this.rto = config.initialRtoNanos();
        this.sndMss = TcpLayer.DEFAULT_MSS;
        this.openedAt = tcp.now();
    }

    // ------------------------------------------------------------------ the program's side

    public TcpState state() {
        return state;
    }

    public int localPort() {
        return localPort;
    }

    public Ipv4Address remoteAddress() {
        return Ipv4Address.of(remoteAddress);
    }

    public int remotePort() {
        return remotePort;
    }

    /** Why the connection ended, or null while it has not. */
    public TcpCloseReason closeReason() {
        return closeReason;
    }

    /**
     * Copies up to {@code len} bytes into the send buffer and sends what the window allows. Returns
     * the bytes accepted; when that is fewer than offered or fills the buffer, {@link
     * TcpHandler#onWritable} follows when room opens. Throws if the connection cannot send (not yet or no longer open for sending).
     */
    public int send(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (finQueued || !(state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED)) {
            throw new IllegalStateException("connection " + this + " is " + state + (finQueued ? " and closing" : "") + ": cannot send");
        }
        int n = Math.min(len, sndBuffer.length - sndLength);
        int tail = (sndHead + sndLength) % sndBuffer.length;
        int first = Math.min(n, sndBuffer.length - tail);
        System.arraycopy(b, off, sndBuffer, tail, first);
        System.arraycopy(b, off + first, sndBuffer, 0, n - first);
        sndLength += n;
        writableWanted = n < len || sndLength == sndBuffer.length;
        if (state.synchronizedState()) {
            tcp.scheduleFlush(this);
        }
        return n;
    }

    /** Bytes waiting to be read. */
    public int available() {
        return rcvLength;
    }

    /** Free room in the send buffer. */
    public int sendBufferFree() {
        return sndBuffer.length - sndLength;
    }

    /**
     * Moves up to {@code len} received bytes into {@code b}; returns the count. Reading opens the
     * receive window; a window update goes out when it opened enough to matter.
     */
    public int read(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int n = Math.min(len, rcvLength);
        int first = Math.min(n, rcvBuffer.length - rcvHead);
        System.arraycopy(rcvBuffer, rcvHead, b, off, first);
        System.arraycopy(rcvBuffer, 0, b, off + first, n - first);
        rcvHead = (rcvHead + n) % rcvBuffer.length;
        rcvLength -= n;
        if (n > 0 && (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2)
                && windowUpdateWorthSending()) {
            sendAck();
        }
        return n;
    }

    /**
     * Closes this side (RFC 9293 §3.10.4): a FIN follows the bytes already in the send buffer. Data
     * from the peer can still arrive until its FIN. Closing twice is harmless.
     */
    public void close() {
        switch (state) {
            case SYN_SENT -> terminate(TcpCloseReason.NORMAL);
            case SYN_RECEIVED, ESTABLISHED -> {
                finQueued = true;
                state = TcpState.FIN_WAIT_1;
                output();
            }
            case CLOSE_WAIT -> {
                finQueued = true;
                state = TcpState.LAST_ACK;
                output();
            }
            default -> {
            }
        }
    }

    /** Aborts (RFC 9293 §3.10.5): sends a RST in a synchronized state and forgets the connection. */
    public void abort() {
        if (state == TcpState.CLOSED) {
            return;
        }
        if (state.synchronizedState() || state == TcpState.SYN_RECEIVED) {
            tcp.sendReset(localPort, remoteAddress, remotePort, sndNxt, 0, RST);
        }
        terminate(TcpCloseReason.ABORTED);
    }

    /** Nanoseconds from the open to ESTABLISHED, or -1 if it never got there. */
    public long connectNanos() {
        return establishedAt < 0 ? -1 : establishedAt - openedAt;
    }

    /** Payload bytes acknowledged by the peer. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Payload bytes received in order. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Segments this connection sent again after a timeout, and zero-window probes. */
    public long retransmissions() {
        return retransmissions;
    }

    /** The smoothed RTT (0 before the first measurement) and the current RTO, RFC 6298 §2. */
    public long srttNanos() {
        return srtt;
    }

    public long rtoNanos() {
        return rto;
    }

    /** The peer's current window (SND.WND). */
    public int sendWindow() {
        return sndWnd;
    }

    /** The MSS this side sends with. */
    public int mss() {
        return sndMss;
    }

    @Override
    public String toString() {
        return tcp.stack().address() + ":" + localPort + "->" + Ipv4Address.format(remoteAddress) + ":" + remotePort;
    }

    // ------------------------------------------------------------------ opens

    /** RFC 9293 §3.10.1, active OPEN: send SYN with our MSS, enter SYN_SENT. */
    void openActive() {
        tcp.stats().tcpActiveOpens++;
        iss = tcp.initialSequence(localPort, remoteAddress, remotePort);
        sndUna = iss;
        sndNxt = iss + 1;
        sndMax = sndNxt;
        sndSeq = iss + 1;
        state = TcpState.SYN_SENT;
        transmit(iss, SYN, 0, 0, tcp.localMss);
        startTiming(iss);
        armRetransmit();
    }

    /** RFC 9293 §3.10.7.2, a SYN in LISTEN: note IRS and the peer's MSS, send SYN,ACK, enter SYN_RECEIVED. */
    void openPassive(TcpSegment s) {
        tcp.stats().tcpPassiveOpens++;
        irs = s.seq;
        rcvNxt = s.seq + 1;
        takeMss(s);
        sndWnd = s.window;
        sndWl1 = s.seq;
        sndWl2 = 0;
        iss = tcp.initialSequence(localPort, remoteAddress, remotePort);
        sndUna = iss;
        sndNxt = iss + 1;
        sndMax = sndNxt;
        sndSeq = iss + 1;
        state = TcpState.SYN_RECEIVED;
        transmit(iss, SYN | ACK, 0, 0, tcp.localMss);
        startTiming(iss);
        armRetransmit();
    }

    private void takeMss(TcpSegment s) {
        sndMss = Math.min(s.mss > 0 ? s.mss : TcpLayer.DEFAULT_MSS, tcp.localMss);
    }

    // ------------------------------------------------------------------ segment arrives, RFC 9293 §3.10.7

    void segmentArrives(TcpSegment s) {
        switch (state) {
            case SYN_SENT -> synSent(s);
            case CLOSED -> {
            }
            default -> synchronizedOrSynReceived(s);
        }
    }

    /** RFC 9293 §3.10.7.3. */
    private void synSent(TcpSegment s) {
        boolean ackAcceptable = false;
        if (s.has(ACK)) {
            if (seqLe(s.ack, iss) || seqGt(s.ack, sndMax)) {
                if (!s.has(RST)) {
                    tcp.sendReset(localPort, remoteAddress, remotePort, s.ack, 0, RST);
                }
                return;
            }
            ackAcceptable = seqLe(sndUna, s.ack);
        }
        if (s.has(RST)) {
            if (ackAcceptable) {
                tcp.stats().tcpResetsIn++;
                terminate(TcpCloseReason.REFUSED);
            }
            return;
        }
        if (!s.has(SYN)) {
            return;
        }
        irs = s.seq;
        rcvNxt = s.seq + 1;
        takeMss(s);
        if (ackAcceptable) {
            acknowledge(s.ack);
        }
        if (seqGt(sndUna, iss)) {
            sndWnd = s.window;
            sndWl1 = s.seq;
            sndWl2 = s.ack;
            established();
            sendAck();
            if (state == TcpState.ESTABLISHED) {
                tcp.scheduleFlush(this);
            }
        } else {
            // Simultaneous open: SYN,ACK with our ISS again. RFC 9293 §3.10.7.3.
            state = TcpState.SYN_RECEIVED;
            sndWnd = s.window;
            sndWl1 = s.seq;
            transmit(iss, SYN | ACK, 0, 0, tcp.localMss);
        }
    }

    /** RFC 9293 §3.10.7.4, "Otherwise": SYN_RECEIVED and every synchronized state. */
    private void synchronizedOrSynReceived(TcpSegment s) {
        // First, check the sequence number.
        int window = receiveWindow();
        int len = s.sequenceLength();
        boolean acceptable;
        if (len == 0) {
            acceptable = window == 0 ? s.seq == rcvNxt : seqLe(rcvNxt, s.seq) && seqLt(s.seq, rcvNxt + window);
        } else {
            acceptable = window != 0 && (seqLe(rcvNxt, s.seq) && seqLt(s.seq, rcvNxt + window)
                    || seqLe(rcvNxt, s.seq + len - 1) && seqLt(s.seq + len - 1, rcvNxt + window));
        }
        if (!acceptable) {
            tcp.stats().tcpUnacceptable++;
            if (!s.has(RST)) {
                sendAck();
                if (state == TcpState.TIME_WAIT && s.has(FIN)) {
                    timeWaitDeadline = tcp.now() + config.timeWaitNanos(); // a retransmitted FIN restarts 2 MSL
                    tcp.armTimer(timeWaitDeadline);
                }
            }
            return;
        }
        // Second, check the RST bit: RFC 5961 §3.2 as RFC 9293 §3.10.7.4 adopts it.
        if (s.has(RST)) {
            tcp.stats().tcpResetsIn++;
            if (s.seq != rcvNxt) {
                sendAck(); // a challenge ACK for an in-window but inexact RST
                return;
            }
            if (state == TcpState.SYN_RECEIVED && listener != null) {
                terminate(null); // back to LISTEN: the listener never saw it
                return;
            }
            if (state == TcpState.SYN_RECEIVED) {
                terminate(TcpCloseReason.REFUSED);
                return;
            }
            if (handler != null) {
                handler.onReset(this);
            }
            terminate(state == TcpState.CLOSING || state == TcpState.LAST_ACK || state == TcpState.TIME_WAIT
                    ? TcpCloseReason.NORMAL : TcpCloseReason.RESET);
            return;
        }
        // Fourth, a SYN in a synchronized state: challenge ACK, RFC 5961 §4.2.
        if (s.has(SYN)) {
            if (state == TcpState.SYN_RECEIVED && listener != null && s.seq == irs) {
                transmit(iss, SYN | ACK, 0, 0, tcp.localMss); // our SYN,ACK was lost and the SYN repeated
                return;
            }
            sendAck();
            return;
        }
        // Fifth, the ACK field.
        if (!s.has(ACK)) {
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (seqLt(sndUna, s.ack) && seqLe(s.ack, sndMax)) {
                sndWnd = s.window;
                sndWl1 = s.seq;
                sndWl2 = s.ack;
                acknowledge(s.ack);
                established();
                if (state == TcpState.CLOSED) {
                    return;
                }
            } else {
                tcp.sendReset(localPort, remoteAddress, remotePort, s.ack, 0, RST);
                return;
            }
        }
        if (seqGt(s.ack, sndMax)) {
            sendAck(); // acknowledges something not yet sent
            return;
        }
        if (seqLt(sndUna, s.ack)) {
            acknowledge(s.ack);
        }
        if (seqLe(sndUna, s.ack) && (seqLt(sndWl1, s.seq) || sndWl1 == s.seq && seqLe(sndWl2, s.ack))) {
            sndWnd = s.window;
            sndWl1 = s.seq;
            sndWl2 = s.ack;
        }
        boolean finAcked = finQueued && seqGt(sndUna, finSequence());
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    state = TcpState.FIN_WAIT_2;
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    enterTimeWait();
                    return;
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    terminate(TcpCloseReason.NORMAL);
                    return;
                }
            }
            default -> {
            }
        }
        // Seventh, the segment text (in-order only).
        int dataLength = s.dataLength;
        boolean fin = s.has(FIN);
        if (dataLength > 0 && (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2)) {
            int skip = rcvNxt - s.seq; // already received: a retransmission overlapping RCV.NXT
            if (skip < 0) {
                tcp.stats().tcpOutOfOrderDropped++;
                sendAck(); // the duplicate ACK that tells the sender where the gap is
                return;
            }
            int take = Math.max(0, Math.min(dataLength - skip, rcvBuffer.length - rcvLength));
            if (take < dataLength - skip) {
                fin = false; // the FIN lies beyond what was taken
            }
            if (take > 0) {
                int tail = (rcvHead + rcvLength) % rcvBuffer.length;
                int first = Math.min(take, rcvBuffer.length - tail);
                System.arraycopy(s.data, s.dataOffset + skip, rcvBuffer, tail, first);
                System.arraycopy(s.data, s.dataOffset + skip + first, rcvBuffer, 0, take - first);
                rcvLength += take;
                rcvNxt += take;
                bytesReceived += take;
                rcvAdvertised -= take;
                scheduleAck(s.has(PSH) || take < sndMss);
                if (handler != null) {
                    handler.onData(this, rcvLength);
                }
                if (state == TcpState.CLOSED) {
                    return;
                }
            } else {
                sendAck();
            }
        } else if (fin && s.seq != rcvNxt) {
            fin = false; // a FIN after a gap
            sendAck();
        }
        // Eighth, the FIN bit.
        if (fin && !peerFinished) {
            peerFinished = true;
            rcvNxt += 1;
            ackNow = true;
            switch (state) {
                case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> state = finQueued && seqGt(sndUna, finSequence()) ? TcpState.TIME_WAIT : TcpState.CLOSING;
                case FIN_WAIT_2 -> state = TcpState.TIME_WAIT;
                default -> {
                }
            }
            if (state == TcpState.TIME_WAIT) {
                sendAck();
                enterTimeWait();
                return;
            }
            // Otherwise the ACK goes out from the flush, on our FIN if the program closes now.
            if (handler != null && state == TcpState.CLOSE_WAIT) {
                handler.onPeerClosed(this);
            }
        } else if (fin && state == TcpState.TIME_WAIT) {
            sendAck();
            timeWaitDeadline = tcp.now() + config.timeWaitNanos();
            tcp.armTimer(timeWaitDeadline);
        }
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT) {
            tcp.scheduleFlush(this);
        }
    }

    /**
     * Sends what waits: data and FIN as the window allows, and an ACK that is due. Runs in the stack's
     * flush task after the task that queued bytes or received segments, so that every {@link #send} of
     * one callback and every segment of one receive batch leave as full segments with one ACK.
     */
    void flush() {
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT) {
            output();
            flushAck();
        }
    }

    /** SND.UNA advances to {@code ack}: free the acknowledged bytes, time, restart or stop the timer. */
    private void acknowledge(int ack) {
        int acked = ack - sndUna;
        int dataStart = sndSeq;
        int freed = Math.max(0, Math.min(sndLength, ack - dataStart));
        if (freed > 0) {
            sndHead = (sndHead + freed) % sndBuffer.length;
            sndLength -= freed;
            sndSeq += freed;
            bytesSent += freed;
        }
        sndUna = ack;
        if (seqLt(sndNxt, sndUna)) {
            sndNxt = sndUna; // a zero-window probe's byte was taken
        }
        if (timing && seqGt(ack, timedSeq)) {
            measure(tcp.now() - timedAt);
        }
        if (acked > 0) {
            retries = 0;
        }
        // RFC 6298 §5.2 and §5.3.
        if (sndUna == sndMax) {
            retransmitDeadline = NONE;
        } else {
            armRetransmit();
        }
        if (writableWanted && freed > 0 && handler != null && state.synchronizedState()) {
            writableWanted = false;
            handler.onWritable(this);
        }
    }

    private void established() {
        state = TcpState.ESTABLISHED;
        establishedAt = tcp.now();
        if (retransmissions > 0 && !rttMeasured && rto < RTO_AFTER_SYN_TIMEOUT) {
            rto = Math.min(config.maxRtoNanos(), RTO_AFTER_SYN_TIMEOUT); // RFC 6298 §5.7
        }
        if (listener != null) {
            listener.accepted++;
            handler = listener.acceptor().accept(this);
        }
        if (handler != null) {
            handler.onConnected(this);
        }
    }

    // ------------------------------------------------------------------ output

    /** The sequence number of our FIN: right after the last byte of the send buffer. */
    private int finSequence() {
        return sndSeq + sndLength;
    }

    /** Sends new (or, after a timeout, again) data and the FIN, as far as the peer's window allows. */
    private void output() {
        if (!state.synchronizedState() || state == TcpState.TIME_WAIT) {
            return;
        }
        boolean sent = false;
        while (true) {
            int offset = sndNxt - sndSeq;
            int unsent = sndLength - offset;
            int usable = sndUna + sndWnd - sndNxt;
            if (unsent > 0 && usable > 0) {
                int len = Math.min(Math.min(unsent, sndMss), usable);
                boolean last = len == unsent;
                int flags = ACK | (last ? PSH : 0);
                if (last && finQueued) {
                    flags |= FIN;
                }
                sendSegment(sndNxt, flags, (sndHead + offset) % sndBuffer.length, len);
                sndNxt += len + ((flags & FIN) != 0 ? 1 : 0);
                sent = true;
            } else if (unsent == 0 && finQueued && sndNxt == finSequence()) {
                sendSegment(sndNxt, ACK | FIN, 0, 0);
                sndNxt += 1;
                sent = true;
            } else {
                break;
            }
            if (seqGt(sndNxt, sndMax)) {
                sndMax = sndNxt;
            }
        }
        if (sent && retransmitDeadline == NONE) {
            armRetransmit();
        }
        // Persist (RFC 9293 §3.8.6.1): data waits, the window is closed and nothing is in flight to bring an update.
        if (sndWnd == 0 && sndLength - (sndNxt - sndSeq) > 0 && sndNxt == sndUna) {
            if (persistDeadline == NONE) {
                persistInterval = rto;
                persistDeadline = tcp.now() + persistInterval;
                tcp.armTimer(persistDeadline);
            }
        } else {
            persistDeadline = NONE;
        }
    }

    private void sendSegment(int seq, int flags, int start, int len) {
        if (!timing && (len > 0 || (flags & FIN) != 0) && seq == sndMax) {
            startTiming(seq); // time new data only: Karn's rule, RFC 6298 §3
        }
        transmit(seq, flags, start, len, 0);
    }

    /** A segment carrying the current ACK and window. */
    private void transmit(int seq, int flags, int start, int len, int mss) {
        int window = 0;
        int ack = 0;
        if ((flags & ACK) != 0) {
            ack = rcvNxt;
            window = receiveWindow();
            rcvAdvertised = window;
            ackDeadline = NONE;
            ackNow = false;
            unackedSegments = 0;
        }
        if (tcp.stack().sendTcp(localPort, remoteAddress, remotePort, seq, ack, flags, window, mss, sndBuffer, start, len)) {
            tcp.stats().tcpSegmentsOut++;
        }
    }

    private void sendAck() {
        transmit(sndNxt, ACK, 0, 0, 0);
    }

    /** The free part of the receive buffer, never less than already promised (no shrinking, RFC 9293 §3.8.6.2.2). */
    private int receiveWindow() {
        int free = Math.min(MAX_WINDOW, rcvBuffer.length - rcvLength);
        return Math.max(free, Math.max(0, rcvAdvertised));
    }

    /** Receiver SWS avoidance, RFC 9293 §3.8.6.2.2: update when the window grew by min(buffer/2, MSS). */
    private boolean windowUpdateWorthSending() {
        int free = Math.min(MAX_WINDOW, rcvBuffer.length - rcvLength);
        return free - Math.max(0, rcvAdvertised) >= Math.min(rcvBuffer.length / 2, sndMss);
    }

    /** In-order data arrived: ACK now, or within the delayed-ACK time (every second full segment at once). */
    private void scheduleAck(boolean push) {
        unackedSegments++;
        if (config.delayedAckNanos() == 0 || unackedSegments >= 2 || push) {
            ackNow = true;
        } else if (ackDeadline == NONE) {
            ackDeadline = tcp.now() + config.delayedAckNanos();
            tcp.armTimer(ackDeadline);
        }
    }

    private void flushAck() {
        if (ackNow) {
            sendAck();
        }
    }

    // ------------------------------------------------------------------ timers

    private void startTiming(int seq) {
        timing = true;
        timedSeq = seq;
        timedAt = tcp.now();
    }

    /** RFC 6298 §2.2 and §2.3, with the floor of §2.4 and the ceiling of §2.5. */
    private void measure(long r) {
        timing = false;
        if (!rttMeasured) {
            srtt = r;
            rttvar = r / 2;
            rttMeasured = true;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4; // beta = 1/4
            srtt = (7 * srtt + r) / 8; // alpha = 1/8
        }
        rto = Math.min(config.maxRtoNanos(), Math.max(config.minRtoNanos(), srtt + Math.max(CLOCK_GRANULARITY, 4 * rttvar)));
    }

    private void armRetransmit() {
        retransmitDeadline = tcp.now() + rto;
        tcp.armTimer(retransmitDeadline);
    }

    long nextDeadline() {
        return Math.min(Math.min(retransmitDeadline, persistDeadline), Math.min(ackDeadline, timeWaitDeadline));
    }

    /** Runs the deadlines that are due at {@code t}. */
    void timers(long t) {
        if (timeWaitDeadline <= t) {
            terminate(TcpCloseReason.NORMAL);
            return;
        }
        if (retransmitDeadline <= t) {
            retransmitTimeout();
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (persistDeadline <= t) {
            probe();
        }
        if (ackDeadline <= t) {
            sendAck();
        }
    }

    /** RFC 6298 §5.4 to §5.6: retransmit the earliest unacknowledged segment, back off, restart. */
    private void retransmitTimeout() {
        retransmitDeadline = NONE;
        if (sndUna == sndMax) {
            return;
        }
        if (++retries > config.maxRetries()) {
            tcp.stats().tcpTimeouts++;
            if (state.synchronizedState()) {
                tcp.sendReset(localPort, remoteAddress, remotePort, sndNxt, 0, RST);
            }
            terminate(TcpCloseReason.TIMED_OUT);
            return;
        }
        rto = Math.min(config.maxRtoNanos(), rto * 2);
        timing = false; // Karn: a retransmitted segment's ACK measures nothing
        retransmissions++;
        tcp.stats().tcpRetransmissions++;
        if (state == TcpState.SYN_SENT) {
            transmit(iss, SYN, 0, 0, tcp.localMss);
            armRetransmit();
        } else if (state == TcpState.SYN_RECEIVED) {
            transmit(iss, SYN | ACK, 0, 0, tcp.localMss);
            armRetransmit();
        } else {
            sndNxt = sndUna; // go back: the receiver keeps no out-of-order data
            armRetransmit();
            output();
        }
    }

    /** A zero-window probe: one byte beyond the window; its ACK carries the window. RFC 9293 §3.8.6.1. */
    private void probe() {
        persistDeadline = NONE;
        int offset = sndNxt - sndSeq;
        if (sndWnd != 0 || offset >= sndLength || !state.synchronizedState()) {
            return;
        }
        transmit(sndNxt, ACK, (sndHead + offset) % sndBuffer.length, 1, 0);
        if (seqGt(sndNxt + 1, sndMax)) {
            sndMax = sndNxt + 1; // so the ACK that takes the byte is acceptable; SND.NXT follows SND.UNA
        }
        retransmissions++;
        tcp.stats().tcpRetransmissions++;
        persistInterval = Math.min(config.maxRtoNanos(), persistInterval * 2);
        persistDeadline = tcp.now() + persistInterval;
        tcp.armTimer(persistDeadline);
    }

    private void enterTimeWait() {
        state = TcpState.TIME_WAIT;
        retransmitDeadline = NONE;
        persistDeadline = NONE;
        ackDeadline = NONE;
        timeWaitDeadline = tcp.now() + config.timeWaitNanos();
        tcp.armTimer(timeWaitDeadline);
        closeReason = TcpCloseReason.NORMAL;
        if (handler != null) {
            handler.onClosed(this, TcpCloseReason.NORMAL);
        }
    }

    /** TIME_WAIT ends early: the table needs the slot. */
    void endTimeWait() {
        terminate(TcpCloseReason.NORMAL);
    }

    /** To CLOSED: free the slot, tell the handler (unless TIME_WAIT already did, or no program ever had it). */
    private void terminate(TcpCloseReason reason) {
        boolean told = state == TcpState.TIME_WAIT;
        state = TcpState.CLOSED;
        retransmitDeadline = NONE;
        persistDeadline = NONE;
        ackDeadline = NONE;
        timeWaitDeadline = NONE;
        tcp.remove(this);
        if (!told && reason != null) {
            closeReason = reason;
            if (handler != null) {
                handler.onClosed(this, reason);
            }
        }
    }

    // ------------------------------------------------------------------ sequence arithmetic, RFC 9293 §3.4

    private static boolean seqLt(int a, int b) {
        return a - b < 0;
    }

    private static boolean seqLe(int a, int b) {
        return a - b <= 0;
    }

    private static boolean seqGt(int a, int b) {
        return a - b > 0;
    }
}
