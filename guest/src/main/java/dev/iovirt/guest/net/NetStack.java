package dev.iovirt.guest.net;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * One IPv4 interface over a {@link NetDevice}: Ethernet, ARP, IPv4, ICMP echo, UDP and TCP. See the
 * package documentation for how a packet flows.
 *
 * <p>The interface may start unconfigured (address 0.0.0.0, as a DHCP client's host does): it then
 * receives only broadcasts, answers no ARP, and may send to the limited broadcast address from
 * 0.0.0.0 (RFC 2131 §4.1) until {@link #configure} gives it an address.
 *
 * <p>Run to completion: {@link #receive} runs in the driver's receive task; senders call from tasks
 * (never from interrupt handlers, which only schedule tasks — the kernel delivers interrupts between
 * operations, so a handler that sent would race a task in the middle of a send). Outgoing frames are
 * built in one reused buffer; nothing is allocated per packet.
 */
public final class NetStack {
    // Ethernet II. IEEE 802.3 §3.2.
    static final int ETH_HEADER = 14;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    /** Shortest Ethernet frame without FCS; shorter frames are padded with zeros. IEEE 802.3 §4.2.3.3. */
    static final int MIN_FRAME = 60;
    // ARP over Ethernet for IPv4. RFC 826.
    static final int ARP_LENGTH = 28;
    static final int ARP_REQUEST = 1;
    static final int ARP_REPLY = 2;
    // IPv4. RFC 791 §3.1.
    static final int IP_HEADER = 20;
    static final int IP_FLAG_DF = 0x4000;
    static final int IP_FLAG_MF = 0x2000;
    static final int IP_OFFSET_MASK = 0x1FFF;
    /** Default TTL. RFC 1700 / Linux {@code ip_default_ttl}. */
    public static final int DEFAULT_TTL = 64;
    static final int PROTO_ICMP = 1;
    static final int PROTO_UDP = 17;
    static final int PROTO_TCP = 6;
    // ICMP. RFC 792.
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO_REQUEST = 8;
    static final int ICMP_HEADER = 8;
    // UDP. RFC 768.
    static final int UDP_HEADER = 8;
    static final int L4 = ETH_HEADER + IP_HEADER;
    /** Neighbour lifetime (Linux base_reachable_time is 30 s, randomised; one fixed value here). */
    public static final long DEFAULT_ARP_REACHABLE_NANOS = 30_000_000_000L;
    /** Interval between ARP requests for an unresolved address (Linux retrans_time, 1 s). */
    public static final long DEFAULT_ARP_RETRY_NANOS = 1_000_000_000L;
    private static final int MAX_SOCKETS = 16;

    private final Kernel kernel;
    private final NetDevice device;
    private final long mac;
    private int address;
    private int prefixMask;
    private int gateway;
    private final ArpCache arp;
    private final NetStats stats = new NetStats();
    private final byte[] tx;
    private final byte[] arpFrame = new byte[MIN_FRAME];
    private final UdpSocket[] sockets = new UdpSocket[MAX_SOCKETS];
    private final TcpLayer tcp;
    private EchoReplyListener echoListener = (s, i, q, l) -> { };
    /** The last peer address handed to a handler, reused while it repeats (no allocation per packet). */
    private Ipv4Address lastPeer = Ipv4Address.ANY;
    private int ipId;
    private long arpTimerDeadline = Long.MAX_VALUE;
    private final Task arpTimerTask = k -> {
        arpTimer();
        return false;
    };

    public NetStack(Kernel kernel, NetDevice device, Ipv4Address address, int prefixLength) {
        this(kernel, device, address, prefixLength, DEFAULT_ARP_REACHABLE_NANOS, DEFAULT_ARP_RETRY_NANOS);
    }

    /** An unconfigured interface (0.0.0.0, no gateway), for a DHCP client to {@link #configure}. */
    public NetStack(Kernel kernel, NetDevice device) {
        this(kernel, device, Ipv4Address.ANY, 0);
    }

    public NetStack(Kernel kernel, NetDevice device, Ipv4Address address, int prefixLength, long arpReachableNanos, long arpRetryNanos) {
        this(kernel, device, address, prefixLength, arpReachableNanos, arpRetryNanos, TcpConfig.DEFAULT);
    }

    public NetStack(Kernel kernel, NetDevice device, Ipv4Address address, int prefixLength, long arpReachableNanos, long arpRetryNanos,
            TcpConfig tcpConfig) {
        this.kernel = kernel;
        this.device = device;
        this.mac = device.macAddress().bits();
        this.address = address.bits();
        this.prefixMask = Ipv4Address.prefixMask(prefixLength);
        int maxFrame = ETH_HEADER + device.mtu();
        this.tx = new byte[maxFrame];
        this.arp = new ArpCache(arpReachableNanos, arpRetryNanos, maxFrame);
        this.tcp = new TcpLayer(this, kernel, tcpConfig, stats, Math.min(device.mtu() - IP_HEADER - TcpLayer.HEADER, maxFrame));
        device.setReceiver(this::receive);
    }

    public Ipv4Address address() {
        return Ipv4Address.of(address);
    }

    /** The address as bits, for the layers above (no allocation per packet). */
    int addressBits() {
        return address;
    }

    /** The prefix length of the interface's subnet (0 while unconfigured). */
    public int prefixLength() {
        return Integer.bitCount(prefixMask);
    }

    public Ipv4Address gateway() {
        return Ipv4Address.of(gateway);
    }

    /** Whether the interface has an address (not 0.0.0.0). */
    public boolean configured() {
        return address != 0;
    }

    /**
     * Gives the interface its address, subnet and default gateway (0.0.0.0 for none), e.g. from a
     * DHCP ACK, and announces the address with a gratuitous ARP. Connections bound to an earlier
     * address are not moved: they time out.
     */
    public void configure(Ipv4Address address, int prefixLength, Ipv4Address gateway) {
        this.address = address.bits();
        this.prefixMask = Ipv4Address.prefixMask(prefixLength);
        this.gateway = gateway.bits();
        if (this.address != 0) {
            announce();
        }
    }

    public MacAddress macAddress() {
        return MacAddress.of(mac);
    }

    /** Sets the default gateway (0.0.0.0 for none): off-subnet destinations go to it. */
    public void setGateway(Ipv4Address gateway) {
        this.gateway = gateway.bits();
    }

    public ArpCache arp() {
        return arp;
    }

    public NetStats stats() {
        return stats;
    }

    public void setEchoReplyListener(EchoReplyListener listener) {
        this.echoListener = listener;
    }

    private long now() {
        return kernel.cpu().rdtsc();
    }

    /**
     * Frames sent until {@link #endTransmitBatch} may share one doorbell ({@link NetDevice#setXmitMore}).
     * For senders of bursts; call both from the same task.
     */
    public void beginTransmitBatch() {
        device.setXmitMore(true);
    }

    /** Rings the device's doorbell once for the frames sent since {@link #beginTransmitBatch}. */
    public void endTransmitBatch() {
        device.setXmitMore(false);
    }

    // ------------------------------------------------------------------ sockets

    /** Listens on TCP {@code port}; {@code acceptor} names the handler of each connection it accepts. */
    public TcpListener listen(int port, TcpAcceptor acceptor) {
        return tcp.listen(port, acceptor);
    }

    /**
     * Opens a TCP connection to {@code destination:port} from an ephemeral port (sends the SYN now).
     * The handler hears {@link TcpHandler#onConnected} or {@link TcpHandler#onClosed} with the reason.
     */
    public TcpConnection connect(Ipv4Address destination, int port, TcpHandler handler) {
        return tcp.connect(destination.bits(), port, handler);
    }

    /** The TCP connections that are not yet CLOSED (including TIME_WAIT), for inspection. */
    public java.util.List<TcpConnection> tcpConnections() {
        return tcp.connections();
    }

    public TcpConfig tcpConfig() {
        return tcp.config();
    }

    /** Binds UDP {@code port}; the handler runs in the receive task for each datagram. */
    public UdpSocket bindUdp(int port, UdpHandler handler) {
        for (UdpSocket s : sockets) {
            if (s != null && s.port() == port) {
                throw new IllegalStateException("UDP port " + port + " is in use");
            }
        }
        for (int i = 0; i < MAX_SOCKETS; i++) {
            if (sockets[i] == null) {
                sockets[i] = new UdpSocket(this, port, handler);
                return sockets[i];
            }
        }
        throw new IllegalStateException("no free UDP socket (" + MAX_SOCKETS + " in use)");
    }

    void unbind(UdpSocket socket) {
        for (int i = 0; i < MAX_SOCKETS; i++) {
            if (sockets[i] == socket) {
                sockets[i] = null;
            }
        }
    }

    // ------------------------------------------------------------------ receive

    /** A frame from the device. */
    public void receive(byte[] b, int off, int len) {
        stats.framesIn++;
        if (len < ETH_HEADER) {
            stats.unknownEtherType++;
            return;
        }
        int type = Bytes.getU16(b, off + 12);
        if (type == ETHERTYPE_ARP) {
            receiveArp(b, off + ETH_HEADER, len - ETH_HEADER);
        } else if (type == ETHERTYPE_IPV4) {
            receiveIpv4(b, off + ETH_HEADER, len - ETH_HEADER);
        } else {
            stats.unknownEtherType++;
        }
    }

    /** RFC 826, "Packet reception", with the merge rule; gratuitous ARP updates an existing entry. */
    private void receiveArp(byte[] b, int o, int len) {
        if (len < ARP_LENGTH || Bytes.getU16(b, o) != 1 || Bytes.getU16(b, o + 2) != ETHERTYPE_IPV4
                || (b[o + 4] & 0xFF) != 6 || (b[o + 5] & 0xFF) != 4) {
            stats.unknownEtherType++;
            return;
        }
        int op = Bytes.getU16(b, o + 6);
        long sha = Bytes.getU48(b, o + 8);
        int spa = Bytes.getI32(b, o + 14);
        int tpa = Bytes.getI32(b, o + 24);
        if (op == ARP_REQUEST) {
            stats.arpRequestsIn++;
        } else if (op == ARP_REPLY) {
            stats.arpRepliesIn++;
        }
        if (spa == tpa) {
            stats.gratuitousArpIn++;
        }
        long t = now();
        ArpCache.Entry e = arp.find(spa);
        boolean merged = false;
        if (e != null && spa != 0) {
            resolved(e, sha, t);
            merged = true;
        }
        if (address != 0 && tpa == address && spa != address) {
            if (!merged && spa != 0) {
                resolved(arp.allocate(spa, t), sha, t);
            }
            if (op == ARP_REQUEST) {
                sendArp(ARP_REPLY, sha, spa);
                stats.arpRepliesOut++;
            }
        }
    }

    /** The entry now maps to {@code sha}: send what it held. */
    private void resolved(ArpCache.Entry e, long sha, long t) {
        e.state = ArpCache.REACHABLE;
        e.mac = sha;
        e.deadline = t + arp.reachableNanos;
        for (int i = 0; i < e.pendingCount; i++) {
            Bytes.putU48(e.pending[i], 0, sha);
            transmit(e.pending[i], e.pendingLength[i]);
        }
        e.pendingCount = 0;
    }

    private void receiveIpv4(byte[] b, int o, int len) {
        stats.ipIn++;
        if (len < IP_HEADER || (b[o] & 0xF0) != 0x40) {
            stats.ipHeaderErrors++;
            return;
        }
        int ihl = (b[o] & 0x0F) * 4;
        int total = Bytes.getU16(b, o + 2);
        if (ihl < IP_HEADER || total < ihl || total > len || Checksums.internet(b, o, ihl) != 0) {
            stats.ipHeaderErrors++;
            return;
        }
        int flagsOffset = Bytes.getU16(b, o + 6);
        if ((flagsOffset & (IP_FLAG_MF | IP_OFFSET_MASK)) != 0) {
            stats.ipFragmentsDropped++;
            return;
        }
        int src = Bytes.getI32(b, o + 12);
        int dst = Bytes.getI32(b, o + 16);
        if (dst == -1 || address != 0 && (dst == address || dst == (address | ~prefixMask))) {
            // for us; while unconfigured only the limited broadcast is (RFC 1122 §3.3.6)
        } else {
            stats.ipNotForUs++; // no forwarding: a host, not a router
            return;
        }
        int protocol = b[o + 9] & 0xFF;
        int l4 = o + ihl;
        int l4Len = total - ihl;
        switch (protocol) {
            case PROTO_ICMP -> receiveIcmp(b, l4, l4Len, src);
            case PROTO_UDP -> receiveUdp(b, l4, l4Len, src, dst);
            case PROTO_TCP -> tcp.receive(b, l4, l4Len, src, dst);
            default -> stats.ipUnknownProtocol++;
        }
    }

    private void receiveIcmp(byte[] b, int o, int len, int src) {
        if (len < ICMP_HEADER || Checksums.internet(b, o, len) != 0) {
            stats.icmpChecksumErrors++;
            return;
        }
        int type = b[o] & 0xFF;
        if (type == ICMP_ECHO_REQUEST) {
            stats.icmpEchoRequestsIn++;
            // Echo reply: same identifier, sequence and data. RFC 792 p.14.
            System.arraycopy(b, o, tx, L4, len);
            tx[L4] = ICMP_ECHO_REPLY;
            tx[L4 + 1] = 0;
            Bytes.putU16(tx, L4 + 2, 0);
            Bytes.putU16(tx, L4 + 2, Checksums.internet(tx, L4, len));
            if (sendIp(src, PROTO_ICMP, len)) {
                stats.icmpEchoRepliesOut++;
            }
        } else if (type == ICMP_ECHO_REPLY) {
            stats.icmpEchoRepliesIn++;
            echoListener.echoReply(peer(src), Bytes.getU16(b, o + 4), Bytes.getU16(b, o + 6), len - ICMP_HEADER);
        }
    }

    private void receiveUdp(byte[] b, int o, int len, int src, int dst) {
        if (len < UDP_HEADER) {
            stats.udpChecksumErrors++;
            return;
        }
        int udpLength = Bytes.getU16(b, o + 4);
        int checksum = Bytes.getU16(b, o + 6);
        if (udpLength < UDP_HEADER || udpLength > len
                || checksum != 0 && Checksums.finish(Checksums.sum(b, o, udpLength,
                        Checksums.pseudoHeaderIpv4(src, dst, PROTO_UDP, udpLength))) != 0) {
            stats.udpChecksumErrors++;
            return;
        }
        stats.udpIn++;
        int port = Bytes.getU16(b, o + 2);
        for (UdpSocket s : sockets) {
            if (s != null && s.port() == port) {
                s.received++;
                s.handler().datagram(s, peer(src), Bytes.getU16(b, o), b, o + UDP_HEADER, udpLength - UDP_HEADER);
                return;
            }
        }
        stats.udpNoPort++;
    }

    private Ipv4Address peer(int bits) {
        if (lastPeer.bits() != bits) {
            lastPeer = Ipv4Address.of(bits);
        }
        return lastPeer;
    }

    // ------------------------------------------------------------------ send

    boolean sendUdp(int sourcePort, int destination, int destinationPort, byte[] payload, int off, int len) {
        int udpLength = UDP_HEADER + len;
        if (IP_HEADER + udpLength > device.mtu()) {
            return false; // no fragmentation
        }
        Bytes.putU16(tx, L4, sourcePort);
        Bytes.putU16(tx, L4 + 2, destinationPort);
        Bytes.putU16(tx, L4 + 4, udpLength);
        Bytes.putU16(tx, L4 + 6, 0);
        System.arraycopy(payload, off, tx, L4 + UDP_HEADER, len);
        int c = Checksums.finish(Checksums.sum(tx, L4, udpLength, Checksums.pseudoHeaderIpv4(address, destination, PROTO_UDP, udpLength)));
        Bytes.putU16(tx, L4 + 6, c == 0 ? 0xFFFF : c); // RFC 768: a computed 0 is sent as all ones
        boolean ok = sendIp(destination, PROTO_UDP, udpLength);
        if (ok) {
            stats.udpOut++;
        }
        return ok;
    }

    /**
     * Sends an ICMP echo request with {@code payloadLength} bytes of pattern data. Returns false if it
     * was dropped at once.
     */
    public boolean sendEchoRequest(Ipv4Address destination, int identifier, int sequence, int payloadLength) {
        int len = ICMP_HEADER + payloadLength;
        if (IP_HEADER + len > device.mtu()) {
            return false;
        }
        tx[L4] = ICMP_ECHO_REQUEST;
        tx[L4 + 1] = 0;
        Bytes.putU16(tx, L4 + 2, 0);
        Bytes.putU16(tx, L4 + 4, identifier);
        Bytes.putU16(tx, L4 + 6, sequence);
        for (int i = 0; i < payloadLength; i++) {
            tx[L4 + ICMP_HEADER + i] = (byte) i;
        }
        Bytes.putU16(tx, L4 + 2, Checksums.internet(tx, L4, len));
        return sendIp(destination.bits(), PROTO_ICMP, len);
    }

    /**
     * Sends one TCP segment built in the reused buffer: the header (with an MSS option if {@code mss}
     * is positive, RFC 9293 §3.2) and {@code len} payload bytes taken from the ring {@code data}
     * starting at {@code start} (wrapping at its end). The checksum covers the pseudo header, RFC 9293
     * §3.1. Returns false if it was dropped at once.
     */
    boolean sendTcp(int sourcePort, int destination, int destinationPort, int seq, int ack, int flags, int window, int mss,
            byte[] data, int start, int len) {
        int header = TcpLayer.HEADER + (mss > 0 ? 4 : 0);
        int tcpLength = header + len;
        if (IP_HEADER + tcpLength > device.mtu()) {
            return false;
        }
        int o = L4;
        Bytes.putU16(tx, o, sourcePort);
        Bytes.putU16(tx, o + 2, destinationPort);
        Bytes.putI32(tx, o + 4, seq);
        Bytes.putI32(tx, o + 8, ack);
        Bytes.putU16(tx, o + 12, (header / 4) << 12 | flags);
        Bytes.putU16(tx, o + 14, window);
        Bytes.putU16(tx, o + 16, 0);
        Bytes.putU16(tx, o + 18, 0); // urgent pointer: urgent data is not sent
        if (mss > 0) {
            tx[o + 20] = TcpLayer.OPT_MSS;
            tx[o + 21] = 4;
            Bytes.putU16(tx, o + 22, mss);
        }
        if (len > 0) {
            int first = Math.min(len, data.length - start);
            System.arraycopy(data, start, tx, o + header, first);
            System.arraycopy(data, 0, tx, o + header + first, len - first);
        }
        int c = Checksums.finish(Checksums.sum(tx, o, tcpLength, Checksums.pseudoHeaderIpv4(address, destination, PROTO_TCP, tcpLength)));
        Bytes.putU16(tx, o + 16, c);
        return sendIp(destination, PROTO_TCP, tcpLength);
    }

    /** Fills the IPv4 header in front of the {@code l4Length} bytes at {@link #L4} and sends. RFC 791 §3.1. */
    private boolean sendIp(int destination, int protocol, int l4Length) {
        int o = ETH_HEADER;
        int total = IP_HEADER + l4Length;
        tx[o] = 0x45;
        tx[o + 1] = 0;
        Bytes.putU16(tx, o + 2, total);
        Bytes.putU16(tx, o + 4, ipId++ & 0xFFFF);
        Bytes.putU16(tx, o + 6, IP_FLAG_DF);
        tx[o + 8] = DEFAULT_TTL;
        tx[o + 9] = (byte) protocol;
        Bytes.putU16(tx, o + 10, 0);
        Bytes.putI32(tx, o + 12, address);
        Bytes.putI32(tx, o + 16, destination);
        Bytes.putU16(tx, o + 10, Checksums.internet(tx, o, IP_HEADER));
        Bytes.putU48(tx, 6, mac);
        Bytes.putU16(tx, 12, ETHERTYPE_IPV4);
        int len = ETH_HEADER + total;
        stats.ipOut++;
        if (destination == -1 || address != 0 && destination == (address | ~prefixMask)) {
            Bytes.putU48(tx, 0, MacAddress.BROADCAST.bits());
            return transmit(tx, len);
        }
        int nextHop;
        if ((destination & prefixMask) == (address & prefixMask)) {
            nextHop = destination;
        } else if (gateway != 0) {
            nextHop = gateway;
        } else {
            stats.ipNoRoute++;
            return false;
        }
        return resolveAndSend(nextHop, tx, len);
    }

    private boolean resolveAndSend(int nextHop, byte[] frame, int len) {
        long t = now();
        ArpCache.Entry e = arp.find(nextHop);
        if (e != null && e.state == ArpCache.REACHABLE && e.deadline > t) {
            Bytes.putU48(frame, 0, e.mac);
            return transmit(frame, len);
        }
        if (e == null) {
            e = arp.allocate(nextHop, t);
        } else if (e.state == ArpCache.REACHABLE) {
            e.state = ArpCache.INCOMPLETE; // stale: resolve again
            e.requests = 0;
        }
        if (e.pendingCount < ArpCache.PENDING_PER_ENTRY) {
            if (e.pending[e.pendingCount] == null) {
                e.pending[e.pendingCount] = new byte[arp.maxFrame];
            }
            System.arraycopy(frame, 0, e.pending[e.pendingCount], 0, len);
            e.pendingLength[e.pendingCount++] = len;
        } else {
            stats.arpUnresolvedDrops++;
        }
        if (e.requests == 0) {
            sendRequest(e, t);
        }
        return true;
    }

    private void sendRequest(ArpCache.Entry e, long t) {
        e.requests++;
        e.deadline = t + arp.retryNanos;
        sendArp(ARP_REQUEST, MacAddress.BROADCAST.bits(), e.ip);
        stats.arpRequestsOut++;
        armArpTimer(e.deadline);
    }

    /**
     * Announces this interface's address with a gratuitous ARP request (sender and target address
     * both ours, RFC 5227 §3), so that neighbours update stale entries.
     */
    public void announce() {
        sendArp(ARP_REQUEST, MacAddress.BROADCAST.bits(), address);
        stats.arpRequestsOut++;
    }

    /** RFC 826 packet format; a request to the broadcast address has a zero target hardware address. */
    private void sendArp(int op, long targetMac, int targetIp) {
        byte[] f = arpFrame;
        Bytes.putU48(f, 0, targetMac);
        Bytes.putU48(f, 6, mac);
        Bytes.putU16(f, 12, ETHERTYPE_ARP);
        int o = ETH_HEADER;
        Bytes.putU16(f, o, 1); // hardware type: Ethernet
        Bytes.putU16(f, o + 2, ETHERTYPE_IPV4);
        f[o + 4] = 6;
        f[o + 5] = 4;
        Bytes.putU16(f, o + 6, op);
        Bytes.putU48(f, o + 8, mac);
        Bytes.putI32(f, o + 14, address);
        Bytes.putU48(f, o + 18, op == ARP_REQUEST ? 0 : targetMac);
        Bytes.putI32(f, o + 24, targetIp);
        transmit(f, ETH_HEADER + ARP_LENGTH);
    }

    private boolean transmit(byte[] frame, int len) {
        if (len < MIN_FRAME) {
            java.util.Arrays.fill(frame, len, MIN_FRAME, (byte) 0);
            len = MIN_FRAME;
        }
        if (!device.transmit(frame, 0, len)) {
            stats.deviceDrops++;
            return false;
        }
        stats.framesOut++;
        return true;
    }

    // ------------------------------------------------------------------ ARP timer

    private void armArpTimer(long deadline) {
        if (deadline >= arpTimerDeadline) {
            return;
        }
        arpTimerDeadline = deadline;
        // The timer runs in interrupt context: it only schedules the task that does the work.
        kernel.addTimer(Math.max(0, deadline - now()), () -> kernel.spawn(arpTimerTask));
    }

    /** Retries or gives up on unresolved entries; re-arms for the next deadline. */
    private void arpTimer() {
        long t = now();
        arpTimerDeadline = Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (ArpCache.Entry e : arp.entries) {
            if (e.state != ArpCache.INCOMPLETE) {
                continue;
            }
            if (e.deadline <= t) {
                if (e.requests < ArpCache.MAX_REQUESTS) {
                    e.requests++;
                    e.deadline = t + arp.retryNanos;
                    sendArp(ARP_REQUEST, MacAddress.BROADCAST.bits(), e.ip);
                    stats.arpRequestsOut++;
                } else {
                    stats.arpUnresolvedDrops += e.pendingCount;
                    e.pendingCount = 0;
                    e.state = ArpCache.FREE;
                    continue;
                }
            }
            next = Math.min(next, e.deadline);
        }
        if (next != Long.MAX_VALUE) {
            armArpTimer(next);
        }
    }
}
