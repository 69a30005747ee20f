package dev.iovirt.nfv.lb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

/**
 * An L4 load balancer in the wire: port 0 faces the clients, port 1 the backends (a networking-sfc
 * port pair). See the package documentation for the walk of a packet.
 *
 * <p>Counters are plain fields written by the poll loop's thread; the host reads them without
 * synchronisation, so a read may be a little behind but is never torn for ints and, on 64-bit JVMs,
 * longs.
 */
public final class LoadBalancer implements NetworkFunction {
    /** Client side. */
    public static final int CLIENT_PORT = 0;
    /** Backend side. */
    public static final int BACKEND_PORT = 1;
    /** The ICMP identifier of the load balancer's echo probes ("LB"). */
    public static final int PROBE_ID = 0x4C42;
    /** TCP SYN probes to backend i leave from port {@code PROBE_PORT_BASE + i} (IANA's dynamic range, RFC 6335 §6). */
    public static final int PROBE_PORT_BASE = 49_152;

    private static final long UNKNOWN = -1;
    private static final long ARP_RETRY_NANOS = 1_000_000_000L;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
    private static final int TCP_FIN = 0x01; // RFC 9293 §3.1
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;
    private static final int ICMP_ECHO_REPLY = 0;   // RFC 792
    private static final int ICMP_ECHO_REQUEST = 8; // RFC 792
    private static final int ARP_REQUEST = 1;       // RFC 826
    private static final int ARP_REPLY = 2;

    private final LoadBalancerConfig config;
    private final int vip;
    private final int vport;
    private final int protocol;
    private final int ownIp;
    private final int ownMask;
    private final long clientMac;
    private final long backendMac;
    private final int n;
    private final String[] names;
    private final int[] ips;
    private final int[] ports;
    private final long[] macs;
    private final boolean[] onLink;
    private final int[] weights;
    private final int[] offsets;
    private final int[] skips;
    private final long[] lastArpAt;

    private final boolean[] up;
    private final int[] successes;
    private final int[] failures;
    private final boolean[] probeOutstanding;
    private final boolean[] probeAwaitingMac;
    private final int[] probeSeq;
    private int nextSeq;
    private long nextProbeAt;
    private long nextSweepAt;
    private long gatewayMac;
    private long gatewayArpAt = Long.MIN_VALUE;

    private int[] table;
    private final ConnectionTable connections;
    private final FlowKey key = new FlowKey();
    private final byte[] scratch = new byte[Maglev.FLOW_KEY_BYTES];

    private final int[] active;
    private final long[] connectionCount;
    private final long[] packetCount;
    private final long[] probeCount;
    private final long[] probeFailureCount;
    private long rebuilds;
    private long malformed;
    private long noBackend;
    private long tableFull;
    private long noMac;
    private long fragments;
    private long passed;
    private long moved;
    private long expired;
    private long closed;

    public LoadBalancer(LoadBalancerConfig config) {
        this.config = config;
        vip = config.vip().bits();
        vport = config.port();
        protocol = config.protocol();
        ownIp = config.ownIp().bits();
        ownMask = Ipv4Address.prefixMask(config.prefixLength());
        clientMac = config.clientMac().bits();
        backendMac = config.backendMac().bits();
        gatewayMac = config.gatewayMac() != null ? config.gatewayMac().bits() : UNKNOWN;
        List<Backend> bs = config.backends();
        n = bs.size();
        names = new String[n];
        ips = new int[n];
        ports = new int[n];
        macs = new long[n];
        onLink = new boolean[n];
        weights = new int[n];
        offsets = new int[n];
        skips = new int[n];
        lastArpAt = new long[n];
        up = new boolean[n];
        successes = new int[n];
        failures = new int[n];
        probeOutstanding = new boolean[n];
        probeAwaitingMac = new boolean[n];
        probeSeq = new int[n];
        active = new int[n];
        connectionCount = new long[n];
        packetCount = new long[n];
        probeCount = new long[n];
        probeFailureCount = new long[n];
        int m = config.tableSize();
        for (int i = 0; i < n; i++) {
            Backend b = bs.get(i);
            names[i] = b.name();
            ips[i] = b.ip().bits();
            ports[i] = b.port() != 0 ? b.port() : vport;
            macs[i] = b.mac() != null ? b.mac().bits() : UNKNOWN;
            onLink[i] = ((ips[i] ^ ownIp) & ownMask) == 0;
            weights[i] = b.weight();
            offsets[i] = Maglev.offset(b.name(), m);
            skips[i] = Maglev.skip(b.name(), m);
            lastArpAt[i] = Long.MIN_VALUE;
            up[i] = true; // HAProxy starts servers up unless told otherwise
        }
        if (config.gatewayIp() == null && !allOnLink()) {
            throw new IllegalArgumentException("a backend is off the load balancer's subnet and no gateway is configured");
        }
        connections = new ConnectionTable(config.maxConnections());
        rebuild();
    }

    private boolean allOnLink() {
        for (boolean b : onLink) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int ports() {
        return 2;
    }

    public LoadBalancerConfig config() {
        return config;
    }

    @Override
    public void process(int port, byte[] frame, int off, int len, long nowNanos, Output out) {
        try {
            FlowKeyParser.parse(frame, off, len, port, key);
            if (!key.isComplete() || port < 0 || port > 1) {
                malformed++;
                return;
            }
            if (key.has(FlowKey.L_ARP)) {
                if (arp(port, frame, off, len, out)) {
                    return;
                }
            } else if (key.has(FlowKey.L_IPV4)) {
                if (port == CLIENT_PORT && key.ipv4Dst() == vip && key.ipProto() == protocol) {
                    toVip(frame, off, len, nowNanos, out);
                    return;
                }
                if (port == BACKEND_PORT) {
                    if (key.ipv4Dst() == ownIp) {
                        toSelf(frame, off, len, nowNanos, out);
                        return;
                    }
                    if (key.ipProto() == protocol && (key.ipFrag() & FlowKey.FRAG_LATER) == 0 && fromBackend(frame, off, len, nowNanos, out)) {
                        return;
                    }
                }
            }
            passed++;
            out.emit(1 - port, frame, off, len);
        } catch (RuntimeException e) {
            // Invariant: the checks above keep every access inside the frame; this is a last line.
            malformed++;
        }
    }

    // ---- client → VIP: pick or find the backend, DNAT ----

    private void toVip(byte[] frame, int off, int len, long now, Output out) {
        if ((key.ipFrag() & FlowKey.FRAG_LATER) != 0 || !key.has(protocol == IpProtocol.TCP ? FlowKey.L_TCP : FlowKey.L_UDP)) {
            fragments++; // later fragments carry no ports: the 5-tuple cannot be found
            return;
        }
        if (key.tpDst() != vport) {
            passed++;
            out.emit(BACKEND_PORT, frame, off, len);
            return;
        }
        int src = key.ipv4Src();
        int sport = key.tpSrc();
        long a = ConnectionTable.key1(src, vip);
        long k = ConnectionTable.key2(sport, vport, protocol);
        int slot = connections.find(a, k);
        int b;
        if (slot >= 0) {
            b = connections.backend(slot);
            if (!up[b]) {
                // Only a failed backend's connections move; they go where the rebuilt table says.
                int nb = select(src, sport);
                if (nb < 0) {
                    noBackend++;
                    return;
                }
                active[b]--;
                active[nb]++;
                connectionCount[nb]++;
                connections.setBackend(slot, nb);
                moved++;
                b = nb;
            }
        } else {
            b = select(src, sport);
            if (b < 0) {
                noBackend++;
                return;
            }
            slot = connections.insert(a, k, b, now);
            if (slot < 0) {
                tableFull++;
                return;
            }
            active[b]++;
            connectionCount[b]++;
        }
        if (Bytes.getU48(frame, off) == clientMac) {
            long mac = nextHopMac(b);
            if (mac == UNKNOWN) {
                noMac++;
                resolve(b, now, out);
                return;
            }
            Bytes.putU48(frame, off, mac);
        }
        int l3 = off + key.l3Offset();
        int l4 = off + key.l4Offset();
        rewriteAddress(frame, l3, l4, l3 + 16, l4 + 2, ips[b], ports[b]);
        connections.touch(slot, now);
        packetCount[b]++;
        out.emit(BACKEND_PORT, frame, off, len);
        endOfConnection(slot, FIN_CLIENT);
    }

    private static final int FIN_CLIENT = ConnectionTable.FIN_FROM_CLIENT;
    private static final int FIN_BACKEND = ConnectionTable.FIN_FROM_BACKEND;

    private void endOfConnection(int slot, int finFlag) {
        if (protocol != IpProtocol.TCP) {
            return;
        }
        int f = key.tcpFlags();
        if ((f & TCP_RST) != 0) {
            active[connections.backend(slot)]--;
            connections.remove(slot);
            closed++;
        } else if ((f & TCP_FIN) != 0) {
            connections.addFlags(slot, finFlag);
        }
    }

    /** The backend the Maglev table gives this client's 5-tuple, or -1 if none is up. */
    private int select(int src, int sport) {
        int h = Maglev.flowHash(src, vip, sport, vport, protocol, scratch);
        return table[Maglev.slot(h, table.length)];
    }

    /**
     * Rewrites the address at {@code addrOff} and the port at {@code portOff} and updates the IPv4
     * header checksum and the TCP/UDP checksum incrementally (RFC 1624 eqn. 3; the L4 checksum
     * covers the address through the pseudo-header, RFC 9293 §3.1, RFC 768).
     */
    private void rewriteAddress(byte[] f, int l3, int l4, int addrOff, int portOff, int newIp, int newPort) {
        int oldIp = Bytes.getI32(f, addrOff);
        int oldPort = Bytes.getU16(f, portOff);
        Bytes.putU16(f, l3 + 10, Checksums.update32(Bytes.getU16(f, l3 + 10), oldIp, newIp));
        Bytes.putI32(f, addrOff, newIp);
        Bytes.putU16(f, portOff, newPort);
        boolean udp = protocol == IpProtocol.UDP;
        int ckOff = udp ? l4 + 6 : l4 + 16;
        int ck = Bytes.getU16(f, ckOff);
        if (udp && ck == 0) {
            return; // RFC 768: zero means no checksum was computed; keep it so
        }
        ck = Checksums.update32(ck, oldIp, newIp);
        if (oldPort != newPort) {
            ck = Checksums.update16(ck, oldPort, newPort);
        }
        if (udp && ck == 0) {
            ck = 0xFFFF; // RFC 768: a computed zero is sent as all ones
        }
        Bytes.putU16(f, ckOff, ck);
    }

    // ---- backend → client: SNAT back to the VIP ----

    private boolean fromBackend(byte[] frame, int off, int len, long now, Output out) {
        if (!key.has(protocol == IpProtocol.TCP ? FlowKey.L_TCP : FlowKey.L_UDP)) {
            return false;
        }
        int client = key.ipv4Dst();
        int cport = key.tpDst();
        int slot = connections.find(ConnectionTable.key1(client, vip), ConnectionTable.key2(cport, vport, protocol));
        if (slot < 0) {
            return false;
        }
        int b = connections.backend(slot);
        if (ips[b] != key.ipv4Src() || ports[b] != key.tpSrc()) {
            return false;
        }
        int l3 = off + key.l3Offset();
        int l4 = off + key.l4Offset();
        rewriteAddress(frame, l3, l4, l3 + 12, l4, vip, vport);
        connections.touch(slot, now);
        packetCount[b]++;
        out.emit(CLIENT_PORT, frame, off, len);
        endOfConnection(slot, FIN_BACKEND);
        return true;
    }

    // ---- ARP ----

    /** True when the frame was consumed. */
    private boolean arp(int port, byte[] frame, int off, int len, Output out) {
        int op = key.arpOp();
        if (port == CLIENT_PORT) {
            if (op == ARP_REQUEST && key.arpTpa() == vip) {
                // RFC 826: answer for the VIP with port 0's MAC so clients send VIP traffic here.
                byte[] reply = arpReply(clientMac, vip, key.arpSha(), key.arpSpa());
                out.emit(CLIENT_PORT, reply, 0, reply.length);
                return true;
            }
            return false;
        }
        if (key.arpTpa() != ownIp) {
            return false;
        }
        learn(key.arpSpa(), key.arpSha(), out);
        if (op == ARP_REQUEST) {
            byte[] reply = arpReply(backendMac, ownIp, key.arpSha(), key.arpSpa());
            out.emit(BACKEND_PORT, reply, 0, reply.length);
        }
        return true;
    }

    private void learn(int ip, long mac, Output out) {
        if (config.gatewayIp() != null && ip == config.gatewayIp().bits() && config.gatewayMac() == null) {
            gatewayMac = mac;
        }
        for (int i = 0; i < n; i++) {
            if (ips[i] == ip && onLink[i] && config.backends().get(i).mac() == null) {
                macs[i] = mac;
            }
        }
        // A probe waiting for the MAC goes out now instead of at the next interval.
        for (int i = 0; i < n; i++) {
            if (probeAwaitingMac[i] && nextHopMac(i) != UNKNOWN) {
                probeAwaitingMac[i] = false;
                sendProbe(i, out);
            }
        }
    }

    private static byte[] arpReply(long sha, int spa, long tha, int tpa) {
        return PacketBuilder.ethernet(MacAddress.of(sha), MacAddress.of(tha))
                .arp(ARP_REPLY, MacAddress.of(sha), Ipv4Address.of(spa), MacAddress.of(tha), Ipv4Address.of(tpa))
                .build();
    }

    private long nextHopMac(int b) {
        return onLink[b] ? macs[b] : gatewayMac;
    }

    /** Sends an ARP request for backend b's next hop, at most once a second. */
    private void resolve(int b, long now, Output out) {
        int target = onLink[b] ? ips[b] : config.gatewayIp().bits();
        long last = onLink[b] ? lastArpAt[b] : gatewayArpAt;
        if (last != Long.MIN_VALUE && now - last < ARP_RETRY_NANOS) {
            return;
        }
        if (onLink[b]) {
            lastArpAt[b] = now;
        } else {
            gatewayArpAt = now;
        }
        byte[] req = PacketBuilder.ethernet(MacAddress.of(backendMac), MacAddress.BROADCAST)
                .arp(ARP_REQUEST, MacAddress.of(backendMac), Ipv4Address.of(ownIp), MacAddress.ZERO, Ipv4Address.of(target))
                .build();
        out.emit(BACKEND_PORT, req, 0, req.length);
    }

    // ---- health checks (ICMP echo, RFC 792) ----

    private void toSelf(byte[] frame, int off, int len, long now, Output out) {
        if (config.probe() == HealthProbe.TCP_SYN && key.has(FlowKey.L_TCP)) {
            synProbeAnswer(frame, off, out);
            return;
        }
        if (!key.has(FlowKey.L_ICMP) || key.icmpType() != ICMP_ECHO_REPLY) {
            return; // addressed to the load balancer itself and not a probe's answer: consumed
        }
        int l4 = off + key.l4Offset();
        if (Bytes.getU16(frame, l4 + 4) != PROBE_ID) {
            return;
        }
        int seq = Bytes.getU16(frame, l4 + 6);
        int src = key.ipv4Src();
        for (int i = 0; i < n; i++) {
            if (ips[i] == src && probeOutstanding[i] && probeSeq[i] == seq) {
                probeOutstanding[i] = false;
                success(i);
            }
        }
    }

    @Override
    public void tick(long nowNanos, Output out) {
        try {
            if (config.healthIntervalNanos() > 0 && nowNanos - nextProbeAt >= 0) {
                for (int i = 0; i < n; i++) {
                    if (probeOutstanding[i]) {
                        probeFailureCount[i]++;
                        failure(i);
                    }
                    probeSeq[i] = nextSeq++ & 0xFFFF;
                    probeOutstanding[i] = true;
                    probeCount[i]++;
                    probeAwaitingMac[i] = nextHopMac(i) == UNKNOWN;
                    if (probeAwaitingMac[i]) {
                        resolve(i, nowNanos, out);
                    } else {
                        sendProbe(i, out);
                    }
                }
                nextProbeAt = nowNanos + config.healthIntervalNanos();
            }
            if (nowNanos - nextSweepAt >= 0) {
                sweep(nowNanos);
                nextSweepAt = nowNanos + SWEEP_INTERVAL_NANOS;
            }
        } catch (RuntimeException e) {
            malformed++;
        }
    }

    /** The SYN probe's initial sequence number: the probe's sequence in the high half, so each probe's answer is told apart. */
    private int probeIsn(int b) {
        return probeSeq[b] << 16 | 0x4C42;
    }

    private void synProbeAnswer(byte[] frame, int off, Output out) {
        int b = key.tpDst() - PROBE_PORT_BASE;
        if (b < 0 || b >= n || ips[b] != key.ipv4Src() || ports[b] != key.tpSrc() || !probeOutstanding[b]) {
            return;
        }
        int l4 = off + key.l4Offset();
        int ack = Bytes.getI32(frame, l4 + 8);
        int flags = key.tcpFlags();
        if ((flags & TCP_ACK) == 0 || ack != probeIsn(b) + 1) {
            return;
        }
        probeOutstanding[b] = false;
        if ((flags & (TCP_SYN | TCP_RST)) == TCP_SYN) {
            // RFC 9293 §3.5: reset the half-open connection rather than leave it to time out.
            byte[] rst = PacketBuilder.ethernet(MacAddress.of(backendMac), MacAddress.of(nextHopMac(b)))
                    .ipv4(Ipv4Address.of(ownIp), Ipv4Address.of(ips[b]))
                    .tcp(PROBE_PORT_BASE + b, ports[b], TCP_RST).seq(Integer.toUnsignedLong(probeIsn(b) + 1))
                    .window(0)
                    .build();
            out.emit(BACKEND_PORT, rst, 0, rst.length);
            success(b);
        } else if ((flags & TCP_RST) != 0) {
            probeFailureCount[b]++; // connection refused: a failed check now, not at the next interval
            failure(b);
        }
    }

    private void sendProbe(int b, Output out) {
        if (config.probe() == HealthProbe.TCP_SYN) {
            byte[] syn = PacketBuilder.ethernet(MacAddress.of(backendMac), MacAddress.of(nextHopMac(b)))
                    .ipv4(Ipv4Address.of(ownIp), Ipv4Address.of(ips[b]))
                    .tcp(PROBE_PORT_BASE + b, ports[b], TCP_SYN).seq(Integer.toUnsignedLong(probeIsn(b)))
                    .build();
            out.emit(BACKEND_PORT, syn, 0, syn.length);
            return;
        }
        byte[] echo = PacketBuilder.ethernet(MacAddress.of(backendMac), MacAddress.of(nextHopMac(b)))
                .ipv4(Ipv4Address.of(ownIp), Ipv4Address.of(ips[b]))
                .icmpEcho(true, PROBE_ID, probeSeq[b])
                .payload(8)
                .build();
        out.emit(BACKEND_PORT, echo, 0, echo.length);
    }

    /** HAProxy semantics: {@code rise} consecutive successes bring a down server up. */
    private void success(int b) {
        failures[b] = 0;
        successes[b]++;
        if (!up[b] && successes[b] >= config.rise()) {
            up[b] = true;
            rebuild();
        }
    }

    /** HAProxy semantics: {@code fall} consecutive failures take an up server down. */
    private void failure(int b) {
        successes[b] = 0;
        failures[b]++;
        if (up[b] && failures[b] >= config.fall()) {
            up[b] = false;
            rebuild();
        }
    }

    private void rebuild() {
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = up[i] ? weights[i] : 0;
        }
        table = Maglev.populate(offsets, skips, w, config.tableSize());
        rebuilds++;
    }

    /** Forgets idle UDP flows, idle TCP connections and TCP connections closed both ways. */
    private void sweep(long now) {
        int slots = connections.slots();
        for (int i = 0; i < slots; i++) {
            while (connections.used(i) && expiredAt(i, now)) {
                active[connections.backend(i)]--;
                connections.remove(i); // may shift another entry into i: look at i again
                expired++;
            }
        }
    }

    private boolean expiredAt(int i, long now) {
        long idle = now - connections.lastSeen(i);
        if (connections.protocol(i) == IpProtocol.UDP) {
            return idle >= config.udpIdleNanos();
        }
        int both = ConnectionTable.FIN_FROM_CLIENT | ConnectionTable.FIN_FROM_BACKEND;
        return (connections.flags(i) & both) == both ? idle >= config.tcpClosingNanos() : idle >= config.tcpIdleNanos();
    }

    // ---- what the host reads ----

    /** Marks backend b up or down as a health check would (an operator's drain, or a test's). */
    public void setBackendUp(int b, boolean isUp) {
        if (up[b] != isUp) {
            up[b] = isUp;
            successes[b] = 0;
            failures[b] = 0;
            rebuild();
        }
    }

    /** Backend {@code i}'s state and counters. */
    public BackendStatus backend(int i) {
        int entries = 0;
        for (int e : table) {
            if (e == i) {
                entries++;
            }
        }
        return new BackendStatus(names[i], Ipv4Address.of(ips[i]), up[i], active[i], connectionCount[i],
                packetCount[i], probeCount[i], probeFailureCount[i], entries);
    }

    /** Every backend's state and counters, in configuration order. */
    public List<BackendStatus> backends() {
        var list = new ArrayList<BackendStatus>(n);
        for (int i = 0; i < n; i++) {
            list.add(backend(i));
        }
        return list;
    }

    /** A copy of the current Maglev table (backend index per slot, {@link Maglev#NONE} for none). */
    public int[] table() {
        return table.clone();
    }

    /** The backend a new connection from {@code client:port} would get now, or -1. */
    public int backendForNewConnection(Ipv4Address client, int clientPort) {
        return select(client.bits(), clientPort);
    }

    /** The backend the connection table holds for {@code client:port}, or -1. */
    public int backendOf(Ipv4Address client, int clientPort) {
        int slot = connections.find(ConnectionTable.key1(client.bits(), vip), ConnectionTable.key2(clientPort, vport, protocol));
        return slot < 0 ? -1 : connections.backend(slot);
    }

    /** Times the Maglev table was built (1 at start, then once per health change). */
    public long tableRebuilds() { return rebuilds; }
    /** Connections in the connection table now. */
    public int connections() { return connections.size(); }
    /** Frames dropped because they did not parse (truncated or malformed headers). */
    public long malformedDrops() { return malformed; }
    /** New connections dropped because no backend was up. */
    public long noBackendDrops() { return noBackend; }
    /** New connections dropped because the connection table was full. */
    public long tableFullDrops() { return tableFull; }
    /** Frames dropped because the backend's MAC was not yet resolved (an ARP request went out). */
    public long noMacDrops() { return noMac; }
    /** Non-first IPv4 fragments to the VIP, dropped: they carry no ports. */
    public long fragmentDrops() { return fragments; }
    /** Frames passed through unchanged. */
    public long passedThrough() { return passed; }
    /** Connections moved off a backend that went down. */
    public long connectionsMoved() { return moved; }
    /** Connections forgotten after being idle or closed by FIN both ways. */
    public long connectionsExpired() { return expired; }
    /** TCP connections ended by RST. */
    public long connectionsReset() { return closed; }

    /** The counters above by name, and per backend its state and share ({@code backend-NAME-...}). */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("connections", (long) connections());
        m.put("connections-moved", moved);
        m.put("connections-expired", expired);
        m.put("connections-reset", closed);
        m.put("table-rebuilds", rebuilds);
        m.put("passed-through", passed);
        m.put("no-backend-dropped", noBackend);
        m.put("table-full-dropped", tableFull);
        m.put("no-mac-dropped", noMac);
        m.put("fragments-dropped", fragments);
        m.put("malformed-dropped", malformed);
        for (BackendStatus b : backends()) {
            m.put("backend-" + b.name() + "-up", b.up() ? 1L : 0L);
            m.put("backend-" + b.name() + "-connections", b.connections());
            m.put("backend-" + b.name() + "-packets", b.packets());
            m.put("backend-" + b.name() + "-probe-failures", b.probeFailures());
        }
        return m;
    }
}
