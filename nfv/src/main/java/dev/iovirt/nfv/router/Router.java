package dev.iovirt.nfv.router;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
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
 * An IPv4 router (RFC 1812) over N interfaces. See the package documentation for the walk of a
 * packet. Counters are plain fields written by the poll loop's thread and read by the host without
 * synchronisation.
 */
public final class Router implements NetworkFunction {
    private static final int ARP_REQUEST = 1; // RFC 826
    private static final int ARP_REPLY = 2;
    private static final int ICMP_ECHO_REPLY = 0;      // RFC 792
    private static final int ICMP_UNREACHABLE = 3;     // RFC 792
    private static final int ICMP_SOURCE_QUENCH = 4;   // RFC 792 (deprecated by RFC 6633, still an error)
    private static final int ICMP_REDIRECT = 5;        // RFC 792
    private static final int ICMP_ECHO_REQUEST = 8;    // RFC 792
    private static final int ICMP_TIME_EXCEEDED = 11;  // RFC 792
    private static final int ICMP_PARAMETER_PROBLEM = 12; // RFC 792
    /** Code 0 of type 3: net unreachable, no route (RFC 1812 §5.2.7.1). */
    public static final int CODE_NET_UNREACHABLE = 0;
    /** Code 1 of type 3: host unreachable, the next hop did not answer ARP (RFC 1812 §5.2.7.1). */
    public static final int CODE_HOST_UNREACHABLE = 1;
    /** Code 0 of type 11: TTL exceeded in transit (RFC 1812 §5.3.1). */
    public static final int CODE_TTL_EXCEEDED = 0;
    /** TTL of packets the router originates (RFC 1700's recommended default, 64). */
    private static final int OWN_TTL = 64;
    /** RFC 792 / RFC 1812 §4.3.2.3: an ICMP error quotes the IP header and 8 bytes of the datagram. */
    private static final int QUOTED_DATA = 8;

    private static final int LOCAL = Integer.MIN_VALUE; // route value: one of our own addresses

    private final RouterConfig config;
    private final int n;
    private final int[] ifaceOfPort;
    private final long[] ifMac;
    private final int[] ifIp;
    private final int[] ifMask;
    private final int[] ifPort;
    /** Route i: output interface and next hop (0 = the destination itself, a connected route). */
    private final int[] routeIface;
    private final int[] routeNextHop;
    private final PrefixTrie trie = new PrefixTrie();
    private final ArpCache arp = new ArpCache(4096);
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final FlowKey key = new FlowKey();

    private long forwarded;
    private long malformed;
    private long badChecksum;
    private long notForUs;
    private long ttlExceeded;
    private long noRoute;
    private long hostUnreachable;
    private long arpRequests;
    private long arpReplies;
    private long echoReplies;
    private long pendingDrops;
    private long localDrops;
    private long icmpSuppressed;

    /** Packets waiting for one next hop's MAC. */
    private static final class Pending {
        final int nextHop;
        final int iface;
        final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        final ArrayDeque<Integer> inPorts = new ArrayDeque<>();
        int requests;
        long nextRequestAt;

        Pending(int nextHop, int iface) {
            this.nextHop = nextHop;
            this.iface = iface;
        }
    }

    public Router(RouterConfig config) {
        this.config = config;
        List<RouterInterface> ifs = config.interfaces();
        n = ifs.size();
        ifaceOfPort = new int[n];
        ifMac = new long[n];
        ifIp = new int[n];
        ifMask = new int[n];
        ifPort = new int[n];
        int routes = n + config.routes().size();
        routeIface = new int[routes];
        routeNextHop = new int[routes];
        for (int i = 0; i < n; i++) {
            RouterInterface f = ifs.get(i);
            ifaceOfPort[f.port()] = i;
            ifMac[i] = f.mac().bits();
            ifIp[i] = f.ip().bits();
            ifMask[i] = Ipv4Address.prefixMask(f.prefixLength());
            ifPort[i] = f.port();
            routeIface[i] = i;
            trie.put(ifIp[i] & ifMask[i], f.prefixLength(), i); // connected route
        }
        // Static routes first, own addresses last: a /32 static route cannot hide the router's address.
        for (int r = 0; r < config.routes().size(); r++) {
            StaticRoute s = config.routes().get(r);
            int nh = s.nextHop().bits();
            int via = connected(nh);
            if (via < 0) {
                throw new IllegalArgumentException("next hop " + s.nextHop() + " of " + s.prefix() + "/" + s.prefixLength()
                        + " is not in a connected subnet");
            }
            routeIface[n + r] = via;
            routeNextHop[n + r] = nh;
            trie.put(s.prefix().bits() & Ipv4Address.prefixMask(s.prefixLength()), s.prefixLength(), n + r);
        }
        for (int i = 0; i < n; i++) {
            trie.put(ifIp[i], 32, LOCAL);
        }
        for (RouterConfig.Neighbour nb : config.neighbours()) {
            if (connected(nb.ip().bits()) < 0) {
                throw new IllegalArgumentException("static neighbour " + nb.ip() + " is not in a connected subnet");
            }
            arp.putPermanent(nb.ip().bits(), nb.mac().bits());
        }
    }

    private int connected(int ip) {
        for (int i = 0; i < n; i++) {
            if (((ip ^ ifIp[i]) & ifMask[i]) == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int ports() {
        return n;
    }

    public RouterConfig config() {
        return config;
    }

    @Override
    public void process(int port, byte[] frame, int off, int len, long nowNanos, Output out) {
        try {
            if (port < 0 || port >= n) {
                malformed++;
                return;
            }
            FlowKeyParser.parse(frame, off, len, port, key);
            if (!key.isComplete()) {
                malformed++;
                return;
            }
            int in = ifaceOfPort[port];
            long dstMac = key.ethDst();
            boolean broadcast = dstMac == MacAddress.BROADCAST.bits();
            if (dstMac != ifMac[in] && !broadcast) {
                notForUs++;
                return;
            }
            if (key.has(FlowKey.L_ARP)) {
                arp(in, nowNanos, out);
            } else if (key.has(FlowKey.L_IPV4) && !broadcast) {
                ipv4(in, frame, off, len, nowNanos, out);
            } else {
                localDrops++; // IPv6, other EtherTypes, IP to the link broadcast: not routed here
            }
        } catch (RuntimeException e) {
            // Invariant: the checks keep every access inside the frame; this is a last line.
            malformed++;
        }
    }

    private void ipv4(int in, byte[] frame, int off, int len, long now, Output out) {
        int l3 = off + key.l3Offset();
        int ihl = (frame[l3] & 0x0F) * 4;
        if (Checksums.internet(frame, l3, ihl) != 0) { // RFC 1812 §5.2.2
            badChecksum++;
            return;
        }
        int dst = key.ipv4Dst();
        int route = trie.lookup(dst);
        if (route == LOCAL) {
            local(in, frame, off, len, out);
            return;
        }
        if (dst == -1 || (dst & 0xF000_0000) == 0xE000_0000 || route >= 0 && route < n && (dst | ifMask[route]) == -1) {
            // limited broadcast, multicast (RFC 5771 224.0.0.0/4), or a connected subnet's directed broadcast
            localDrops++; // RFC 1812 §5.3.5: no broadcast or multicast forwarding
            return;
        }
        if (key.ipTtl() <= 1) { // RFC 1812 §5.3.1: a packet arriving with TTL 1 or 0 is not forwarded
            ttlExceeded++;
            icmpError(in, frame, off, ICMP_TIME_EXCEEDED, CODE_TTL_EXCEEDED, out);
            return;
        }
        if (route < 0) {
            noRoute++;
            icmpError(in, frame, off, ICMP_UNREACHABLE, CODE_NET_UNREACHABLE, out);
            return;
        }
        int nextHop = routeNextHop[route] != 0 ? routeNextHop[route] : dst;
        int outIf = routeIface[route];
        long mac = arp.lookup(nextHop, now);
        if (mac < 0) {
            enqueue(in, outIf, nextHop, frame, off, len, now, out);
            return;
        }
        send(outIf, mac, frame, off, len, out);
    }

    /** RFC 1812 §5.3.1: decrement TTL and update the checksum (RFC 1624); new MACs; out. */
    private void send(int outIf, long dstMac, byte[] frame, int off, int len, Output out) {
        int l3 = off + key.l3Offset();
        int oldWord = Bytes.getU16(frame, l3 + 8); // TTL and protocol share one 16-bit word
        int newWord = oldWord - 0x100;
        Bytes.putU16(frame, l3 + 8, newWord);
        Bytes.putU16(frame, l3 + 10, Checksums.update16(Bytes.getU16(frame, l3 + 10), oldWord, newWord));
        Bytes.putU48(frame, off, dstMac);
        Bytes.putU48(frame, off + 6, ifMac[outIf]);
        forwarded++;
        out.emit(ifPort[outIf], frame, off, len);
    }

    /** Packets to the router's own addresses: echo requests are answered in place; the rest is dropped. */
    private void local(int in, byte[] frame, int off, int len, Output out) {
        if (!key.has(FlowKey.L_ICMP) || key.icmpType() != ICMP_ECHO_REQUEST || (key.ipFrag() & FlowKey.FRAG_ANY) != 0) {
            localDrops++;
            return;
        }
        int l3 = off + key.l3Offset();
        int l4 = off + key.l4Offset();
        int src = key.ipv4Src();
        int dst = key.ipv4Dst();
        // Swapping source and destination leaves the IPv4 checksum as it is; the TTL changes it.
        Bytes.putI32(frame, l3 + 12, dst);
        Bytes.putI32(frame, l3 + 16, src);
        int oldWord = Bytes.getU16(frame, l3 + 8);
        int newWord = OWN_TTL << 8 | (oldWord & 0xFF);
        Bytes.putU16(frame, l3 + 8, newWord);
        Bytes.putU16(frame, l3 + 10, Checksums.update16(Bytes.getU16(frame, l3 + 10), oldWord, newWord));
        int typeCode = Bytes.getU16(frame, l4);
        Bytes.putU16(frame, l4, ICMP_ECHO_REPLY << 8);
        Bytes.putU16(frame, l4 + 2, Checksums.update16(Bytes.getU16(frame, l4 + 2), typeCode, ICMP_ECHO_REPLY << 8));
        Bytes.putU48(frame, off, key.ethSrc());
        Bytes.putU48(frame, off + 6, ifMac[in]);
        echoReplies++;
        out.emit(ifPort[in], frame, off, len);
    }

    /**
     * Sends an ICMP error about the datagram in {@code frame} back out of the interface it came in
     * on, to the previous hop's MAC, quoting its IP header and 8 bytes (RFC 792, RFC 1812 §4.3.2.3),
     * unless RFC 1812 §4.3.2.7 forbids an error about it.
     */
    private void icmpError(int in, byte[] frame, int off, int type, int code, Output out) {
        int l3 = off + key.l3Offset();
        int src = key.ipv4Src();
        boolean aboutIcmpError = key.ipProto() == IpProtocol.ICMP && key.has(FlowKey.L_ICMP)
                && isIcmpError(key.icmpType());
        boolean laterFragment = (key.ipFrag() & FlowKey.FRAG_LATER) != 0;
        boolean badSource = src == 0 || src == -1 || Ipv4Address.of(src).isMulticast() || (src >>> 24) == 127;
        if (aboutIcmpError || laterFragment || badSource) {
            icmpSuppressed++;
            return;
        }
        int ihl = (frame[l3] & 0x0F) * 4;
        int quoted = Math.min(key.l3Length(), ihl + QUOTED_DATA);
        byte[] body = Arrays.copyOfRange(frame, l3, l3 + quoted);
        byte[] err = PacketBuilder.ethernet(MacAddress.of(ifMac[in]), MacAddress.of(key.ethSrc()))
                .ipv4(Ipv4Address.of(ifIp[in]), Ipv4Address.of(src))
                .ttl(OWN_TTL)
                .icmp(type, code, 0)
                .payload(body)
                .build();
        out.emit(ifPort[in], err, 0, err.length);
    }

    /** RFC 1812 §4.3.2.7: "an ICMP error message" — destination unreachable, source quench, redirect, time exceeded, parameter problem. */
    private static boolean isIcmpError(int type) {
        return type == ICMP_UNREACHABLE || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT
                || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETER_PROBLEM;
    }

    // ---- ARP (RFC 826) ----

    private void arp(int in, long now, Output out) {
        int spa = key.arpSpa();
        int tpa = key.arpTpa();
        long sha = key.arpSha();
        int op = key.arpOp(); // read now: flushing pending packets reuses the key
        boolean forUs = tpa == ifIp[in];
        boolean onLink = ((spa ^ ifIp[in]) & ifMask[in]) == 0 && spa != ifIp[in];
        // RFC 826 "merge": refresh a known sender; add it when the packet is for us.
        if (onLink && (forUs || arp.contains(spa))) {
            arp.put(spa, sha, now + config.arpTimeoutNanos());
            flush(spa, sha, out);
        }
        if (forUs && op == ARP_REQUEST) {
            byte[] reply = PacketBuilder.ethernet(MacAddress.of(ifMac[in]), MacAddress.of(sha))
                    .arp(ARP_REPLY, MacAddress.of(ifMac[in]), Ipv4Address.of(ifIp[in]), MacAddress.of(sha), Ipv4Address.of(spa))
                    .build();
            arpReplies++;
            out.emit(ifPort[in], reply, 0, reply.length);
        }
    }

    private void enqueue(int in, int outIf, int nextHop, byte[] frame, int off, int len, long now, Output out) {
        Pending p = pending.get(nextHop);
        if (p == null) {
            p = new Pending(nextHop, outIf);
            pending.put(nextHop, p);
            request(p, now, out);
        }
        if (p.frames.size() >= config.pendingPerNextHop()) {
            p.frames.removeFirst(); // as Linux's neighbour queue: the oldest goes
            p.inPorts.removeFirst();
            pendingDrops++;
        }
        p.frames.addLast(Arrays.copyOfRange(frame, off, off + len));
        p.inPorts.addLast(in);
    }

    private void request(Pending p, long now, Output out) {
        byte[] req = PacketBuilder.ethernet(MacAddress.of(ifMac[p.iface]), MacAddress.BROADCAST)
                .arp(ARP_REQUEST, MacAddress.of(ifMac[p.iface]), Ipv4Address.of(ifIp[p.iface]), MacAddress.ZERO, Ipv4Address.of(p.nextHop))
                .build();
        p.requests++;
        p.nextRequestAt = now + config.arpRetryNanos();
        arpRequests++;
        out.emit(ifPort[p.iface], req, 0, req.length);
    }

    private void flush(int ip, long mac, Output out) {
        Pending p = pending.remove(ip);
        if (p == null) {
            return;
        }
        for (byte[] f : p.frames) {
            FlowKeyParser.parse(f, 0, f.length, ifPort[p.iface], key);
            send(p.iface, mac, f, 0, f.length, out);
        }
    }

    /** ARP retries; a next hop that answered none of the requests gets its packets host-unreachable. */
    @Override
    public void tick(long nowNanos, Output out) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            List<Pending> failed = null;
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (nowNanos - p.nextRequestAt < 0) {
                    continue;
                }
                if (p.requests >= config.arpRequests()) {
                    it.remove();
                    if (failed == null) {
                        failed = new ArrayList<>();
                    }
                    failed.add(p);
                } else {
                    request(p, nowNanos, out);
                }
            }
            if (failed != null) {
                for (Pending p : failed) {
                    Iterator<Integer> ports = p.inPorts.iterator();
                    for (byte[] f : p.frames) {
                        int in = ports.next();
                        FlowKeyParser.parse(f, 0, f.length, ifPort[in], key);
                        hostUnreachable++;
                        icmpError(in, f, 0, ICMP_UNREACHABLE, CODE_HOST_UNREACHABLE, out);
                    }
                }
            }
        } catch (RuntimeException e) {
            malformed++;
        }
    }

    // ---- what the host and tests read ----

    /** The next hop for {@code dst} (the destination itself on a connected route), or null with no route or for a local address. */
    public Ipv4Address nextHop(Ipv4Address dst) {
        int r = trie.lookup(dst.bits());
        if (r < 0 || r == LOCAL) {
            return null;
        }
        return Ipv4Address.of(routeNextHop[r] != 0 ? routeNextHop[r] : dst.bits());
    }

    /** The port {@code dst} is forwarded out of, or -1. */
    public int outputPort(Ipv4Address dst) {
        int r = trie.lookup(dst.bits());
        return r < 0 || r == LOCAL ? -1 : ifPort[routeIface[r]];
    }

    /** The MAC cached for {@code ip} at {@code nowNanos}, or null. */
    public MacAddress neighbour(Ipv4Address ip, long nowNanos) {
        long m = arp.lookup(ip.bits(), nowNanos);
        return m < 0 ? null : MacAddress.of(m);
    }

    /** Packets waiting for ARP now, over all next hops. */
    public int pendingPackets() {
        int total = 0;
        for (Pending p : pending.values()) {
            total += p.frames.size();
        }
        return total;
    }

    public long forwarded() { return forwarded; }
    public long malformedDrops() { return malformed; }
    /** Packets whose IPv4 header checksum did not verify (RFC 1812 §5.2.2). */
    public long badChecksumDrops() { return badChecksum; }
    /** Frames to another MAC (not ours, not broadcast). */
    public long notForUsDrops() { return notForUs; }
    public long ttlExceeded() { return ttlExceeded; }
    public long noRoute() { return noRoute; }
    public long hostUnreachable() { return hostUnreachable; }
    public long arpRequestsSent() { return arpRequests; }
    public long arpRepliesSent() { return arpReplies; }
    public long echoReplies() { return echoReplies; }
    /** Packets dropped from a full ARP pending queue. */
    public long pendingDrops() { return pendingDrops; }
    /** Packets for the router itself that it does not answer, broadcasts and non-IPv4. */
    public long localDrops() { return localDrops; }
    /** ICMP errors not sent because RFC 1812 §4.3.2.7 forbids them. */
    public long icmpErrorsSuppressed() { return icmpSuppressed; }

    /** The counters above by name. */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("forwarded", forwarded);
        m.put("echo-replies", echoReplies);
        m.put("arp-requests-sent", arpRequests);
        m.put("arp-replies-sent", arpReplies);
        m.put("ttl-exceeded", ttlExceeded);
        m.put("no-route", noRoute);
        m.put("host-unreachable", hostUnreachable);
        m.put("pending-dropped", pendingDrops);
        m.put("icmp-errors-suppressed", icmpSuppressed);
        m.put("not-for-us-dropped", notForUs);
        m.put("local-dropped", localDrops);
        m.put("bad-checksum-dropped", badChecksum);
        m.put("malformed-dropped", malformed);
        return m;
    }
}
