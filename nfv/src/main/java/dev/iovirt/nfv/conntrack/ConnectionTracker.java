package dev.iovirt.nfv.conntrack;

import dev.iovirt.packet.IpProtocol;

/**
 * Stateful tracking over a {@link ConnectionTable}: which connection a packet belongs to, and whether
 * it is valid for that connection's state, after Linux's {@code nf_conntrack} with
 * {@code nf_conntrack_tcp_loose = 0} (a TCP connection is picked up only from its SYN).
 *
 * <p>How a function uses it, per packet: {@link #lookup}; on a hit, {@link #update} with the handle
 * (ACCEPT: forward; INVALID: drop and count; REOPEN: the old connection is gone, treat the packet as
 * new); on a miss, {@link #canOpen} says whether the packet may start a connection (a TCP SYN, any
 * UDP datagram, an ICMP echo request), and if the function's policy allows it, {@link #open} (or
 * {@link #openTranslated} for a NAT) creates the entry and applies the packet to it.
 *
 * <p><b>TCP</b> follows {@code tcp_conntracks[2][6][TCP_CONNTRACK_MAX]} of
 * {@code nf_conntrack_proto_tcp.c}: the packet is classified as SYN, SYN-ACK, FIN, ACK, RST or none
 * ({@code get_conntrack_index}) and the table gives the next state per direction, "invalid" or
 * "ignore". Not modelled: window tracking ({@code tcp_in_window}: sequence numbers are not checked,
 * so an in-state RST is accepted whatever its sequence number, unlike RFC 5961 §3), the unacknowledged
 * timeout, and the special cases around SYN_RECV retransmissions.
 *
 * <p><b>UDP</b>: 30 s until a reply is seen, then 120 s and assured. <b>ICMP</b>: echo requests and
 * replies (RFC 792) are tracked by identifier with a 30 s timeout; other ICMP messages are not tracked
 * (their related-connection lookup is not built).
 */
public final class ConnectionTracker {
    /** The packet is valid for its connection: forward it. */
    public static final int ACCEPT = 0;
    /** The packet is invalid for the connection's state: drop it. */
    public static final int INVALID = 1;
    /** The connection was closing and the packet opens a new one (a SYN in TIME_WAIT/CLOSE): it has been removed. */
    public static final int REOPEN = 2;

    // get_conntrack_index: the packet's class.
    private static final int SYN = 0;
    private static final int SYNACK = 1;
    private static final int FIN = 2;
    private static final int ACK = 3;
    private static final int RST = 4;
    private static final int NONE = 5;

    private static final int sNO = TcpState.NONE.ordinal();
    private static final int sSS = TcpState.SYN_SENT.ordinal();
    private static final int sSR = TcpState.SYN_RECV.ordinal();
    private static final int sES = TcpState.ESTABLISHED.ordinal();
    private static final int sFW = TcpState.FIN_WAIT.ordinal();
    private static final int sCW = TcpState.CLOSE_WAIT.ordinal();
    private static final int sLA = TcpState.LAST_ACK.ordinal();
    private static final int sTW = TcpState.TIME_WAIT.ordinal();
    private static final int sCL = TcpState.CLOSE.ordinal();
    private static final int sS2 = TcpState.SYN_SENT2.ordinal();
    private static final int sIV = 10;
    private static final int sIG = 11;

    /**
     * Linux's {@code tcp_conntracks} (nf_conntrack_proto_tcp.c), indexed [direction][packet class][state];
     * columns sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2. The ORIGINAL ack in sNO is sIV here
     * instead of Linux's sES: without loose pickup a connection starts only with a SYN.
     */
    private static final int[][][] TRANSITIONS = {
        { // ORIGINAL
            /* syn    */ {sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2},
            /* synack */ {sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR},
            /* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
            /* ack    */ {sIV, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV},
            /* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            /* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
        },
        { // REPLY
            /* syn    */ {sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2},
            /* synack */ {sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR},
            /* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
            /* ack    */ {sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG},
            /* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            /* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
        },
    };

    private final ConnectionTable table;
    private final Timeouts timeouts;
    /** TCP timeouts by state ordinal, copied once so that the per-packet path reads an array. */
    private final long[] tcpTimeouts;
    private long invalid;

    public ConnectionTracker(int maxConnections, Timeouts timeouts) {
        this.table = new ConnectionTable(maxConnections);
        this.timeouts = timeouts;
        this.tcpTimeouts = timeouts.tcpNanos();
    }

    public ConnectionTable table() {
        return table;
    }

    /** The handle of {@code p}'s connection, or -1 (an untrackable packet is always a miss). */
    public int lookup(Ipv4Packet p, long now) {
        if (!p.trackable()) {
            return -1;
        }
        return table.lookup(ConnectionTable.addresses(p.source, p.destination), ConnectionTable.ports(p), now);
    }

    /** Whether {@code p}, matching no connection, may open one. */
    public static boolean canOpen(Ipv4Packet p) {
        return switch (p.protocol) {
            case IpProtocol.TCP -> (p.tcpFlags & (Ipv4Packet.TCP_SYN | Ipv4Packet.TCP_ACK | Ipv4Packet.TCP_RST
                    | Ipv4Packet.TCP_FIN)) == Ipv4Packet.TCP_SYN;
            case IpProtocol.UDP -> true;
            case IpProtocol.ICMP -> p.icmpType == Ipv4Packet.ICMP_ECHO_REQUEST;
            default -> false;
        };
    }

    /** Opens a connection for {@code p} (which {@link #canOpen}) with its reply the reverse of it; returns the entry or -1 if full. */
    public int open(Ipv4Packet p, int port, long now) {
        long replyPorts = p.protocol == IpProtocol.ICMP
                ? ConnectionTable.ports(IpProtocol.ICMP, Ipv4Packet.ICMP_ECHO_REPLY, p.sourcePort, 0)
                : ConnectionTable.ports(p.protocol, 0, p.destinationPort, p.sourcePort);
        return openTranslated(p, port, now, ConnectionTable.addresses(p.destination, p.source), replyPorts);
    }

    /**
     * Opens a connection for {@code p} whose replies carry the given tuple (a NAT's translated one);
     * returns the entry or -1 if the table is full or the reply tuple is taken.
     */
    public int openTranslated(Ipv4Packet p, int port, long now, long replyAddresses, long replyPorts) {
        int e = table.open(ConnectionTable.addresses(p.source, p.destination), ConnectionTable.ports(p), replyAddresses,
                replyPorts, port, sNO, now + 1);
        if (e >= 0 && update(e << 1 | ConnectionTable.ORIGINAL, p, now) != ACCEPT) {
            table.remove(e); // cannot happen for a packet that canOpen; keep the table clean if it does
            return -1;
        }
        return e;
    }

    /** Applies {@code p} to the connection {@code handle} names: its state and timeout move on. */
    public int update(int handle, Ipv4Packet p, long now) {
        int e = handle >>> 1;
        int dir = handle & 1;
        switch (p.protocol) {
            case IpProtocol.TCP -> {
                int old = table.state(e);
                int next = TRANSITIONS[dir][tcpClass(p.tcpFlags)][old];
                if (next == sIV) {
                    invalid++;
                    return INVALID;
                }
                if (next == sIG) {
                    table.countPacket(e, dir);
                    return ACCEPT; // Linux lets it through without a state change
                }
                if (dir == ConnectionTable.ORIGINAL && next == sSS && (old == sTW || old == sCL)) {
                    // nf_conntrack_proto_tcp: a SYN reopening a closed connection kills the old entry.
                    table.remove(e);
                    return REOPEN;
                }
                if (dir == ConnectionTable.REPLY) {
                    table.addFlags(e, ConnectionTable.SEEN_REPLY);
                }
                if (next == sES && (old == sSR || old == sES)) {
                    table.addFlags(e, ConnectionTable.ASSURED);
                }
                table.setState(e, next);
                table.setExpiresAt(e, now + tcpTimeouts[next]);
            }
            case IpProtocol.UDP -> {
                if (dir == ConnectionTable.REPLY) {
                    table.addFlags(e, ConnectionTable.SEEN_REPLY | ConnectionTable.ASSURED);
                }
                boolean assured = (table.flags(e) & ConnectionTable.ASSURED) != 0;
                table.setExpiresAt(e, now + (assured ? timeouts.udpAssuredNanos() : timeouts.udpUnrepliedNanos()));
            }
            default -> { // ICMP echo
                if (dir == ConnectionTable.REPLY) {
                    table.addFlags(e, ConnectionTable.SEEN_REPLY);
                }
                table.setExpiresAt(e, now + timeouts.icmpNanos());
            }
        }
        table.countPacket(e, dir);
        return ACCEPT;
    }

    private static int tcpClass(int flags) {
        if ((flags & Ipv4Packet.TCP_RST) != 0) {
            return RST;
        }
        if ((flags & Ipv4Packet.TCP_SYN) != 0) {
            return (flags & Ipv4Packet.TCP_ACK) != 0 ? SYNACK : SYN;
        }
        if ((flags & Ipv4Packet.TCP_FIN) != 0) {
            return FIN;
        }
        if ((flags & Ipv4Packet.TCP_ACK) != 0) {
            return ACK;
        }
        return NONE;
    }

    /** The TCP state of entry {@code e}. */
    public TcpState tcpState(int e) {
        return TcpState.VALUES[table.state(e)];
    }

    /** Removes up to {@code budget} entries' worth of expired connections (see {@link ConnectionTable#expire}). */
    public int expire(long now, int budget) {
        return table.expire(now, budget);
    }

    /** Packets found invalid for their connection's TCP state. */
    public long invalid() {
        return invalid;
    }
}
