package dev.iovirt.nfv.dhcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

/**
 * A DHCP server (RFC 2131, options RFC 2132) on one port. See the package documentation for what
 * it answers and how. Counters are plain fields written by the poll loop's thread and read by the
 * host without synchronisation.
 */
public final class DhcpServer implements NetworkFunction {
    /** RFC 2131 §4.1: servers listen on 67, clients on 68. */
    public static final int SERVER_PORT = 67;
    public static final int CLIENT_PORT = 68;

    // RFC 2131 §2, Figure 1: fixed fields of a BOOTP/DHCP message.
    static final int OP = 0;
    static final int HTYPE = 1;
    static final int HLEN = 2;
    static final int XID = 4;
    static final int FLAGS = 10;
    static final int CIADDR = 12;
    static final int YIADDR = 16;
    static final int SIADDR = 20;
    static final int GIADDR = 24;
    static final int CHADDR = 28;
    static final int COOKIE = 236;
    static final int OPTIONS = 240;
    /** RFC 2131 §3: 99.130.83.99. */
    static final int MAGIC_COOKIE = 0x6382_5363;
    /** RFC 2131 §2: the BROADCAST bit of 'flags'. */
    static final int FLAG_BROADCAST = 0x8000;
    static final int BOOTREQUEST = 1;
    static final int BOOTREPLY = 2;
    /** RFC 1542 §2.1: BOOTP relays and old clients expect at least 300 octets. */
    static final int MIN_MESSAGE = 300;

    // RFC 2132 option codes.
    static final int OPT_PAD = 0;
    static final int OPT_SUBNET_MASK = 1;     // §3.3
    static final int OPT_ROUTER = 3;          // §3.5
    static final int OPT_DNS = 6;             // §3.8
    static final int OPT_REQUESTED_IP = 50;   // §9.1
    static final int OPT_LEASE_TIME = 51;     // §9.2
    static final int OPT_MESSAGE_TYPE = 53;   // §9.6
    static final int OPT_SERVER_ID = 54;      // §9.7
    static final int OPT_RENEWAL_T1 = 58;     // §9.11
    static final int OPT_REBINDING_T2 = 59;   // §9.12
    static final int OPT_END = 255;

    // RFC 2132 §9.6 message types.
    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;
    public static final int INFORM = 8;

    private static final long EXPIRY_SCAN_NANOS = 1_000_000_000L;

    private final DhcpServerConfig config;
    private final long mac;
    private final int serverIp;
    private final int mask;
    private final int[] pool;
    private final Map<Integer, Binding> byIp = new HashMap<>();
    private final Map<Long, Binding> byMac = new HashMap<>();
    private final FlowKey key = new FlowKey();
    private long nextScanAt;

    private long discovers;
    private long offers;
    private long requests;
    private long acks;
    private long naks;
    private long releases;
    private long declines;
    private long informs;
    private long exhausted;
    private long malformed;
    private long ignored;

    /** One address's binding; also the client's last address (stable assignment). */
    private static final class Binding {
        final int ip;
        long client;
        DhcpLease.State state;
        long expiresAt;

        Binding(int ip, long client) {
            this.ip = ip;
            this.client = client;
        }
    }

    public DhcpServer(DhcpServerConfig config) {
        this.config = config;
        mac = config.mac().bits();
        serverIp = config.serverIp().bits();
        mask = Ipv4Address.prefixMask(config.prefixLength());
        int network = serverIp & mask;
        int broadcast = network | ~mask;
        int first = config.poolFirst() != null ? config.poolFirst().bits() : network + 1;
        int last = config.poolLast() != null ? config.poolLast().bits() : broadcast - 1;
        int routerIp = config.router() != null ? config.router().bits() : 0;
        var addrs = new ArrayList<Integer>();
        for (long a = Integer.toUnsignedLong(first); a <= Integer.toUnsignedLong(last); a++) {
            int ip = (int) a;
            if (ip != network && ip != broadcast && ip != serverIp && ip != routerIp) {
                addrs.add(ip);
            }
        }
        pool = addrs.stream().mapToInt(Integer::intValue).toArray();
        if (pool.length == 0) {
            throw new IllegalArgumentException("the DHCP pool is empty");
        }
    }

    @Override
    public int ports() {
        return 1;
    }

    public DhcpServerConfig config() {
        return config;
    }

    @Override
    public void process(int port, byte[] frame, int off, int len, long nowNanos, Output out) {
        try {
            FlowKeyParser.parse(frame, off, len, port, key);
            if (port != 0 || !key.isComplete()) {
                malformed++;
                return;
            }
            if (key.has(FlowKey.L_ARP)) {
                arp(out);
                return;
            }
            if (!key.has(FlowKey.L_UDP) || key.tpDst() != SERVER_PORT
                    || key.ipv4Dst() != serverIp && key.ipv4Dst() != -1) {
                ignored++;
                return;
            }
            int p = off + key.payloadOffset();
            int end = off + key.l3Offset() + key.l3Length();
            handle(frame, p, end, nowNanos, out);
        } catch (RuntimeException e) {
            // Invariant: option parsing checks every length against the message's end; this is a last line.
            malformed++;
        }
    }

    private void arp(Output out) {
        if (key.arpOp() != 1 || key.arpTpa() != serverIp) { // RFC 826: answer requests for our address only
            ignored++;
            return;
        }
        byte[] reply = PacketBuilder.ethernet(MacAddress.of(mac), MacAddress.of(key.arpSha()))
                .arp(2, MacAddress.of(mac), Ipv4Address.of(serverIp), MacAddress.of(key.arpSha()), Ipv4Address.of(key.arpSpa()))
                .build();
        out.emit(0, reply, 0, reply.length);
    }

    /** The parsed options of one request that the server uses. */
    private static final class Request {
        int type;
        int requestedIp;
        int serverId;
        boolean hasServerId;
        boolean hasRequestedIp;
    }

    private void handle(byte[] b, int p, int end, long now, Output out) {
        if (end - p < OPTIONS + 1 || b[p + OP] != BOOTREQUEST || b[p + HTYPE] != 1 || b[p + HLEN] != 6
                || Bytes.getI32(b, p + COOKIE) != MAGIC_COOKIE) {
            malformed++;
            return;
        }
        Request r = parseOptions(b, p + OPTIONS, end);
        if (r == null) {
            malformed++;
            return;
        }
        long client = Bytes.getU48(b, p + CHADDR);
        expire(now, false);
        switch (r.type) {
            case DISCOVER -> discover(b, p, client, r, now, out);
            case REQUEST -> request(b, p, client, r, now, out);
            case DECLINE -> decline(client, r, now);
            case RELEASE -> release(b, p, client, r);
            case INFORM -> inform(b, p, out);
            default -> ignored++; // BOOTP without option 53, or a server's message
        }
    }

    /** RFC 2132 §2: code, length, value; pad (0) and end (255) have no length. Null when malformed. */
    private static Request parseOptions(byte[] b, int q, int end) {
        var r = new Request();
        while (q < end) {
            int code = b[q] & 0xFF;
            if (code == OPT_END) {
                break;
            }
            if (code == OPT_PAD) {
                q++;
                continue;
            }
            if (q + 1 >= end) {
                return null;
            }
            int olen = b[q + 1] & 0xFF;
            int v = q + 2;
            if (v + olen > end) {
                return null;
            }
            switch (code) {
                case OPT_MESSAGE_TYPE -> r.type = olen == 1 ? b[v] & 0xFF : -1;
                case OPT_REQUESTED_IP -> {
                    if (olen == 4) {
                        r.requestedIp = Bytes.getI32(b, v);
                        r.hasRequestedIp = true;
                    }
                }
                case OPT_SERVER_ID -> {
                    if (olen == 4) {
                        r.serverId = Bytes.getI32(b, v);
                        r.hasServerId = true;
                    }
                }
                default -> { }
            }
            q = v + olen;
        }
        return r;
    }

    // ---- DISCOVER → OFFER (RFC 2131 §4.3.1) ----

    private void discover(byte[] b, int p, long client, Request r, long now, Output out) {
        discovers++;
        Binding bind = choose(client, r.hasRequestedIp ? r.requestedIp : 0);
        if (bind == null) {
            exhausted++;
            return; // no address: no OFFER, the client retries or another server answers
        }
        if (bind.state != DhcpLease.State.BOUND) {
            bind.state = DhcpLease.State.OFFERED;
            bind.expiresAt = now + config.offerHoldNanos();
        }
        offers++;
        reply(b, p, OFFER, bind.ip, true, out);
    }

    /**
     * The address for a client, in RFC 2131 §4.3.1's order: its current or previous binding if that
     * address is not someone else's; the address it asked for if free; a never-used address; an
     * address released by or expired for another client. Null when the pool is exhausted.
     */
    private Binding choose(long client, int requested) {
        Binding mine = byMac.get(client);
        if (mine != null && mine.client == client && mine.state != DhcpLease.State.DECLINED) {
            return mine;
        }
        if (requested != 0 && inPool(requested) && !byIp.containsKey(requested)) {
            return bind(requested, client);
        }
        for (int ip : pool) {
            if (!byIp.containsKey(ip)) {
                return bind(ip, client);
            }
        }
        for (int ip : pool) {
            Binding old = byIp.get(ip);
            if (old.state == DhcpLease.State.FREE) {
                byMac.remove(old.client);
                old.client = client;
                byMac.put(client, old);
                return old;
            }
        }
        return null;
    }

    private Binding bind(int ip, long client) {
        Binding old = byMac.get(client);
        if (old != null && old.state == DhcpLease.State.FREE) {
            byIp.remove(old.ip);
        }
        var bind = new Binding(ip, client);
        bind.state = DhcpLease.State.FREE;
        byIp.put(ip, bind);
        byMac.put(client, bind);
        return bind;
    }

    private boolean inPool(int ip) {
        for (int a : pool) { // the pool is at most a few thousand addresses and this is not the data path
            if (a == ip) {
                return true;
            }
        }
        return false;
    }

    // ---- REQUEST → ACK or NAK (RFC 2131 §4.3.2) ----

    private void request(byte[] b, int p, long client, Request r, long now, Output out) {
        requests++;
        int ciaddr = Bytes.getI32(b, p + CIADDR);
        Binding mine = byMac.get(client);
        if (r.hasServerId) {
            // SELECTING: the client answers an OFFER. Another server's: our offer is void.
            if (r.serverId != serverIp) {
                if (mine != null && mine.state == DhcpLease.State.OFFERED) {
                    mine.state = DhcpLease.State.FREE;
                }
                return;
            }
            if (!r.hasRequestedIp || mine == null || mine.ip != r.requestedIp || mine.state == DhcpLease.State.DECLINED) {
                nak(b, p, out);
                return;
            }
            ack(b, p, mine, now, out);
            return;
        }
        int wanted = r.hasRequestedIp ? r.requestedIp : ciaddr; // INIT-REBOOT, or RENEWING/REBINDING
        if (wanted == 0) {
            malformed++;
            return;
        }
        if (((wanted ^ serverIp) & mask) != 0) {
            nak(b, p, out); // §4.3.2: the client is on the wrong network
            return;
        }
        if (mine != null && mine.ip == wanted && mine.state != DhcpLease.State.DECLINED) {
            ack(b, p, mine, now, out);
            return;
        }
        Binding holder = byIp.get(wanted);
        if (holder == null && inPool(wanted)) {
            // No record and the address is free: this server is authoritative for its subnet
            // (as dnsmasq's dhcp-authoritative), so it grants it rather than staying silent.
            ack(b, p, bind(wanted, client), now, out);
            return;
        }
        nak(b, p, out); // someone else's, declined, or outside the pool
    }

    private void ack(byte[] b, int p, Binding bind, long now, Output out) {
        bind.state = DhcpLease.State.BOUND;
        bind.expiresAt = now + config.leaseSeconds() * 1_000_000_000L;
        acks++;
        reply(b, p, ACK, bind.ip, true, out);
    }

    private void nak(byte[] b, int p, Output out) {
        naks++;
        reply(b, p, NAK, 0, false, out);
    }

    // ---- DECLINE, RELEASE, INFORM (RFC 2131 §4.3.3 - §4.3.5) ----

    private void decline(long client, Request r, long now) {
        declines++;
        if (!r.hasRequestedIp || r.hasServerId && r.serverId != serverIp) {
            return;
        }
        Binding bind = byIp.get(r.requestedIp);
        if (bind != null && bind.client == client) {
            // §4.3.3: the address is in use by someone else; keep it out of the pool for a lease time.
            bind.state = DhcpLease.State.DECLINED;
            bind.expiresAt = now + config.leaseSeconds() * 1_000_000_000L;
            byMac.remove(client);
        }
    }

    private void release(byte[] b, int p, long client, Request r) {
        releases++;
        int ciaddr = Bytes.getI32(b, p + CIADDR);
        Binding bind = byMac.get(client);
        if (bind != null && bind.ip == ciaddr && bind.state == DhcpLease.State.BOUND) {
            bind.state = DhcpLease.State.FREE; // the client's association stays: it gets this address again
        }
    }

    private void inform(byte[] b, int p, Output out) {
        informs++;
        acks++;
        reply(b, p, ACK, 0, false, out);
    }

    // ---- expiry ----

    /** Leases and offers that ran out become free; declined addresses come back after their quarantine. */
    @Override
    public void tick(long nowNanos, Output out) {
        try {
            expire(nowNanos, false);
        } catch (RuntimeException e) {
            malformed++;
        }
    }

    private void expire(long now, boolean force) {
        if (!force && now - nextScanAt < 0) {
            return;
        }
        nextScanAt = now + EXPIRY_SCAN_NANOS;
        for (Iterator<Binding> it = byIp.values().iterator(); it.hasNext(); ) {
            Binding bind = it.next();
            if (bind.state == DhcpLease.State.FREE || now - bind.expiresAt < 0) {
                continue;
            }
            if (bind.state == DhcpLease.State.DECLINED) {
                it.remove();
            } else {
                bind.state = DhcpLease.State.FREE;
            }
        }
    }

    // ---- replies (RFC 2131 §4.1, Table 3) ----

    private void reply(byte[] req, int p, int type, int yiaddr, boolean leaseOptions, Output out) {
        byte[] m = new byte[MIN_MESSAGE + 64];
        m[OP] = BOOTREPLY;
        m[HTYPE] = 1;
        m[HLEN] = 6;
        System.arraycopy(req, p + XID, m, XID, 4);
        int flags = Bytes.getU16(req, p + FLAGS);
        Bytes.putU16(m, FLAGS, flags);
        int ciaddr = Bytes.getI32(req, p + CIADDR);
        int giaddr = Bytes.getI32(req, p + GIADDR);
        if (type != NAK) {
            Bytes.putI32(m, CIADDR, type == OFFER ? 0 : ciaddr);
        }
        Bytes.putI32(m, YIADDR, yiaddr);
        Bytes.putI32(m, GIADDR, giaddr);
        System.arraycopy(req, p + CHADDR, m, CHADDR, 16);
        Bytes.putI32(m, COOKIE, MAGIC_COOKIE);
        int q = OPTIONS;
        m[q++] = OPT_MESSAGE_TYPE;
        m[q++] = 1;
        m[q++] = (byte) type;
        q = putIp(m, q, OPT_SERVER_ID, serverIp);
        if (type != NAK) {
            if (leaseOptions) {
                long lease = config.leaseSeconds();
                q = putU32(m, q, OPT_LEASE_TIME, lease);
                q = putU32(m, q, OPT_RENEWAL_T1, lease / 2);          // §4.4.5: T1 = 0.5 × lease
                q = putU32(m, q, OPT_REBINDING_T2, lease * 7 / 8);   // §4.4.5: T2 = 0.875 × lease
            }
            q = putIp(m, q, OPT_SUBNET_MASK, mask);
            if (config.router() != null) {
                q = putIp(m, q, OPT_ROUTER, config.router().bits());
            }
            if (!config.dnsServers().isEmpty()) {
                m[q++] = OPT_DNS;
                m[q++] = (byte) (4 * config.dnsServers().size());
                for (Ipv4Address d : config.dnsServers()) {
                    Bytes.putI32(m, q, d.bits());
                    q += 4;
                }
            }
        }
        m[q++] = (byte) OPT_END;
        int length = Math.max(q, MIN_MESSAGE);
        byte[] body = java.util.Arrays.copyOf(m, length);

        // §4.1: where the reply goes.
        long clientMac = Bytes.getU48(req, p + CHADDR);
        int dstIp;
        long dstMac;
        int dstPort = CLIENT_PORT;
        if (giaddr != 0) {
            dstIp = giaddr;
            dstMac = key.ethSrc(); // the relay
            dstPort = SERVER_PORT;
        } else if (type == NAK) {
            dstIp = -1;
            dstMac = MacAddress.BROADCAST.bits();
        } else if (ciaddr != 0) {
            dstIp = ciaddr;
            dstMac = clientMac;
        } else if ((flags & FLAG_BROADCAST) != 0 || yiaddr == 0) {
            dstIp = -1;
            dstMac = MacAddress.BROADCAST.bits();
        } else {
            dstIp = yiaddr;
            dstMac = clientMac;
        }
        byte[] frame = PacketBuilder.ethernet(MacAddress.of(mac), MacAddress.of(dstMac))
                .ipv4(Ipv4Address.of(serverIp), Ipv4Address.of(dstIp))
                .udp(SERVER_PORT, dstPort)
                .payload(body)
                .build();
        out.emit(0, frame, 0, frame.length);
    }

    private static int putIp(byte[] m, int q, int code, int ip) {
        m[q] = (byte) code;
        m[q + 1] = 4;
        Bytes.putI32(m, q + 2, ip);
        return q + 6;
    }

    private static int putU32(byte[] m, int q, int code, long v) {
        return putIp(m, q, code, (int) v);
    }

    // ---- what the host reads ----

    /** Every address the server has handed out and what became of it, ordered by address. */
    public List<DhcpLease> leases() {
        var list = new ArrayList<DhcpLease>();
        for (Binding bind : byIp.values()) {
            list.add(new DhcpLease(MacAddress.of(bind.client), Ipv4Address.of(bind.ip), bind.state, bind.expiresAt));
        }
        list.sort((a, c) -> a.address().compareTo(c.address()));
        return list;
    }

    /** The client's current or last binding, or null. */
    public DhcpLease leaseOf(MacAddress client) {
        Binding bind = byMac.get(client.bits());
        return bind == null ? null : new DhcpLease(client, Ipv4Address.of(bind.ip), bind.state, bind.expiresAt);
    }

    /** Addresses the server may lease. */
    public int poolSize() {
        return pool.length;
    }

    public long discovers() { return discovers; }
    public long offers() { return offers; }
    public long requests() { return requests; }
    public long acks() { return acks; }
    public long naks() { return naks; }
    public long releases() { return releases; }
    public long declines() { return declines; }
    public long informs() { return informs; }
    /** DISCOVERs left unanswered because no address was free. */
    public long poolExhausted() { return exhausted; }
    /** Frames dropped as unparseable: bad headers, a bad DHCP message or options. */
    public long malformedDrops() { return malformed; }
    /** Frames that are not for the server (other traffic, BOOTP without option 53, other ARP). */
    public long ignored() { return ignored; }

    /** The counters above by name, and the leases held. */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("discovers", discovers);
        m.put("offers", offers);
        m.put("requests", requests);
        m.put("acks", acks);
        m.put("naks", naks);
        m.put("releases", releases);
        m.put("declines", declines);
        m.put("informs", informs);
        m.put("pool-exhausted", exhausted);
        m.put("ignored", ignored);
        m.put("malformed-dropped", malformed);
        m.put("leases", (long) leases().size());
        return m;
    }
}
