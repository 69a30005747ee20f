package dev.iovirt.guest.programs;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.net.UdpSocket;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Ipv4Address;

/**
 * A DHCP client (RFC 2131) that configures its stack: DHCPDISCOVER, the first acceptable DHCPOFFER,
 * DHCPREQUEST for it, and on DHCPACK the stack's address, prefix (option 1) and default gateway (the
 * first router of option 3). Run it as a task on a stack that is still unconfigured (0.0.0.0); it
 * sends from 0.0.0.0 to the limited broadcast with the BROADCAST flag set, so that the server's
 * replies reach it before it has an address (RFC 2131 §4.1).
 *
 * <p>A DISCOVER or REQUEST that goes unanswered is sent again after a timeout that doubles from
 * {@code initialTimeout} up to 64 s (RFC 2131 §4.1; the ±1 s randomisation is left out so runs
 * repeat). A DHCPNAK sends the client back to DISCOVER. Not built: renewal at T1/T2 (the lease is
 * recorded, not renewed), DHCPDECLINE after an ARP probe of the offered address (§4.4.1), DHCPRELEASE,
 * DHCPINFORM, and option overload (option 52).
 */
public final class DhcpClient implements Task {
    /** UDP ports. RFC 2131 §4.1. */
    public static final int SERVER_PORT = 67;
    public static final int CLIENT_PORT = 68;
    // The message, RFC 2131 §2, Figure 1.
    static final int OP_BOOTREQUEST = 1;
    static final int OP_BOOTREPLY = 2;
    static final int HTYPE_ETHERNET = 1;
    static final int FLAG_BROADCAST = 0x8000;
    static final int OFF_OP = 0;
    static final int OFF_XID = 4;
    static final int OFF_SECS = 8;
    static final int OFF_FLAGS = 10;
    static final int OFF_CIADDR = 12;
    static final int OFF_YIADDR = 16;
    static final int OFF_CHADDR = 28;
    static final int OFF_COOKIE = 236;
    static final int OFF_OPTIONS = 240;
    /** The magic cookie 99.130.83.99. RFC 2131 §3, RFC 2132 §2. */
    static final int MAGIC_COOKIE = 0x63825363;
    /** A BOOTP message is at least 300 bytes (RFC 1542 §3.4 pads short ones). */
    static final int MIN_MESSAGE = 300;
    // Options. RFC 2132.
    static final int OPT_PAD = 0;
    static final int OPT_SUBNET_MASK = 1; // §3.3
    static final int OPT_ROUTER = 3; // §3.5
    static final int OPT_REQUESTED_ADDRESS = 50; // §9.1
    static final int OPT_LEASE_TIME = 51; // §9.2
    static final int OPT_MESSAGE_TYPE = 53; // §9.6
    static final int OPT_SERVER_ID = 54; // §9.7
    static final int OPT_PARAMETER_REQUEST = 55; // §9.8
    static final int OPT_END = 255;
    // Message types, option 53. RFC 2132 §9.6.
    static final int DHCPDISCOVER = 1;
    static final int DHCPOFFER = 2;
    static final int DHCPREQUEST = 3;
    static final int DHCPACK = 5;
    static final int DHCPNAK = 6;
    /** First retransmission timeout, RFC 2131 §4.1 (4 s), and its ceiling (64 s). */
    public static final long DEFAULT_INITIAL_TIMEOUT_NANOS = 4_000_000_000L;
    static final long MAX_TIMEOUT_NANOS = 64_000_000_000L;

    /** The client's states, RFC 2131 §4.4, Figure 5 (the ones built). */
    public enum State {
        INIT,
        SELECTING,
        REQUESTING,
        BOUND
    }

    private final NetStack stack;
    private final long initialTimeoutNanos;
    private final byte[] message = new byte[MIN_MESSAGE + 64];
    private final Task retransmit = k -> {
        timeout();
        return false;
    };
    private UdpSocket socket;
    private Kernel kernel;
    private State state = State.INIT;
    private int xid;
    private long startedAt;
    private long timeoutNanos;
    /** Increments with every transmission, so that a timer armed for an earlier one does nothing. */
    private int generation;
    private int offeredAddress;
    private int serverId;
    private long leaseSeconds;
    private int transmissions;
    private int ignored;

    /** A client whose transaction ID derives from the stack's MAC address and {@code xidSeed}. */
    public DhcpClient(NetStack stack, long initialTimeoutNanos, long xidSeed) {
        this.stack = stack;
        this.initialTimeoutNanos = initialTimeoutNanos;
        long z = stack.macAddress().bits() * 0x9E3779B97F4A7C15L ^ xidSeed;
        this.xid = (int) (z ^ (z >>> 32));
    }

    public DhcpClient(NetStack stack) {
        this(stack, DEFAULT_INITIAL_TIMEOUT_NANOS, 0);
    }

    /** Starts (or restarts) at INIT: binds port 68 and broadcasts a DHCPDISCOVER. */
    @Override
    public boolean step(Kernel k) {
        this.kernel = k;
        if (socket == null) {
            socket = stack.bindUdp(CLIENT_PORT, (s, source, sourcePort, payload, off, len) -> reply(payload, off, len));
        }
        startedAt = k.nanos();
        discover();
        return false;
    }

    public State state() {
        return state;
    }

    /** The transaction ID of the current exchange. */
    public int xid() {
        return xid;
    }

    /** The server that acknowledged (option 54), or 0.0.0.0. */
    public Ipv4Address server() {
        return Ipv4Address.of(state == State.BOUND ? serverId : 0);
    }

    /** The lease granted (option 51), in seconds; 0xFFFFFFFF is infinite. */
    public long leaseSeconds() {
        return leaseSeconds;
    }

    /** DISCOVERs and REQUESTs sent, retransmissions included. */
    public int transmissions() {
        return transmissions;
    }

    /** Replies ignored: another client's, malformed, or not the one awaited. */
    public int ignored() {
        return ignored;
    }

    private void discover() {
        state = State.SELECTING;
        timeoutNanos = initialTimeoutNanos;
        send(DHCPDISCOVER);
    }

    private void send(int type) {
        byte[] m = message;
        java.util.Arrays.fill(m, (byte) 0);
        m[OFF_OP] = OP_BOOTREQUEST;
        m[1] = HTYPE_ETHERNET;
        m[2] = 6; // hlen
        Bytes.putI32(m, OFF_XID, xid);
        Bytes.putU16(m, OFF_SECS, (int) Math.min(0xFFFF, (kernel.nanos() - startedAt) / 1_000_000_000L));
        Bytes.putU16(m, OFF_FLAGS, FLAG_BROADCAST);
        Bytes.putU48(m, OFF_CHADDR, stack.macAddress().bits());
        Bytes.putI32(m, OFF_COOKIE, MAGIC_COOKIE);
        int p = OFF_OPTIONS;
        m[p++] = OPT_MESSAGE_TYPE;
        m[p++] = 1;
        m[p++] = (byte) type;
        if (type == DHCPREQUEST) {
            // In SELECTING, the REQUEST names the offer it takes (RFC 2131 §4.3.2): options 50 and 54, ciaddr 0.
            m[p++] = OPT_REQUESTED_ADDRESS;
            m[p++] = 4;
            Bytes.putI32(m, p, offeredAddress);
            p += 4;
            m[p++] = OPT_SERVER_ID;
            m[p++] = 4;
            Bytes.putI32(m, p, serverId);
            p += 4;
        }
        m[p++] = OPT_PARAMETER_REQUEST;
        m[p++] = 3;
        m[p++] = OPT_SUBNET_MASK;
        m[p++] = OPT_ROUTER;
        m[p++] = OPT_LEASE_TIME;
        m[p++] = (byte) OPT_END;
        socket.sendTo(Ipv4Address.BROADCAST, SERVER_PORT, m, 0, Math.max(p, MIN_MESSAGE));
        transmissions++;
        int g = ++generation;
        kernel.addTimer(timeoutNanos, () -> {
            if (g == generation) {
                kernel.spawn(retransmit);
            }
        });
    }

    /** RFC 2131 §4.1: the same message again, after twice the timeout (at most 64 s). */
    private void timeout() {
        timeoutNanos = Math.min(MAX_TIMEOUT_NANOS, timeoutNanos * 2);
        switch (state) {
            case SELECTING -> send(DHCPDISCOVER);
            case REQUESTING -> send(DHCPREQUEST);
            default -> {
            }
        }
    }

    /** A datagram on port 68: a BOOTREPLY for this client's xid and MAC, or ignored. */
    private void reply(byte[] b, int off, int len) {
        if (len < OFF_OPTIONS || b[off + OFF_OP] != OP_BOOTREPLY || Bytes.getI32(b, off + OFF_XID) != xid
                || Bytes.getU48(b, off + OFF_CHADDR) != stack.macAddress().bits() || Bytes.getI32(b, off + OFF_COOKIE) != MAGIC_COOKIE) {
            ignored++;
            return;
        }
        Options o = new Options();
        if (!o.parse(b, off + OFF_OPTIONS, off + len)) {
            ignored++;
            return;
        }
        int yiaddr = Bytes.getI32(b, off + OFF_YIADDR);
        if (state == State.SELECTING && o.type == DHCPOFFER && o.serverId != 0 && yiaddr != 0 && yiaddr != -1) {
            offeredAddress = yiaddr;
            serverId = o.serverId;
            state = State.REQUESTING;
            timeoutNanos = initialTimeoutNanos;
            send(DHCPREQUEST);
        } else if (state == State.REQUESTING && o.type == DHCPACK && (o.serverId == 0 || o.serverId == serverId) && yiaddr == offeredAddress) {
            int prefix = o.subnetMask != 0 ? Integer.bitCount(o.subnetMask) : classfulPrefix(yiaddr);
            if (o.subnetMask != 0 && Ipv4Address.prefixMask(prefix) != o.subnetMask) {
                ignored++; // a mask that is not a prefix
                return;
            }
            state = State.BOUND;
            generation++; // no more retransmissions
            leaseSeconds = o.leaseSeconds;
            stack.configure(Ipv4Address.of(yiaddr), prefix, Ipv4Address.of(o.router));
        } else if (state == State.REQUESTING && o.type == DHCPNAK && o.serverId == serverId) {
            startedAt = kernel.nanos();
            discover(); // RFC 2131 §3.1 step 5: back to INIT
        } else {
            ignored++;
        }
    }

    /** The class A/B/C prefix when the server sends no mask (RFC 1122 §3.3.1.1 leaves the choice to the host). */
    private static int classfulPrefix(int address) {
        int first = address >>> 24;
        return first < 128 ? 8 : first < 192 ? 16 : 24;
    }

    /** The options this client reads, RFC 2132; pad is skipped, end stops, every other option has a length. */
    private static final class Options {
        int type;
        int serverId;
        int subnetMask;
        int router;
        long leaseSeconds;

        boolean parse(byte[] b, int p, int end) {
            while (p < end) {
                int code = b[p] & 0xFF;
                if (code == OPT_END) {
                    return type != 0;
                }
                if (code == OPT_PAD) {
                    p++;
                    continue;
                }
                if (p + 1 >= end || p + 2 + (b[p + 1] & 0xFF) > end) {
                    return false;
                }
                int len = b[p + 1] & 0xFF;
                int v = p + 2;
                switch (code) {
                    case OPT_MESSAGE_TYPE -> type = len == 1 ? b[v] & 0xFF : 0;
                    case OPT_SERVER_ID -> serverId = len == 4 ? Bytes.getI32(b, v) : 0;
                    case OPT_SUBNET_MASK -> subnetMask = len == 4 ? Bytes.getI32(b, v) : 0;
                    case OPT_ROUTER -> router = len >= 4 && len % 4 == 0 ? Bytes.getI32(b, v) : 0;
                    case OPT_LEASE_TIME -> leaseSeconds = len == 4 ? Bytes.getI32(b, v) & 0xFFFF_FFFFL : 0;
                    default -> {
                    }
                }
                p = v + len;
            }
            return false; // no end option
        }
    }
}
