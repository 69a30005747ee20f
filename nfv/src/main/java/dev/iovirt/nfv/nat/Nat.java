package dev.iovirt.nfv.nat;

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.nfv.conntrack.ConnectionTable;
import dev.iovirt.nfv.conntrack.ConnectionTracker;
import dev.iovirt.nfv.conntrack.Ipv4Packet;
import dev.iovirt.nfv.conntrack.Timeouts;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network address and port translation (RFC 3022 NAPT) in the wire between an inside port (0) and an
 * outside port (1), with port forwarding. Every translation is a connection in a
 * {@link ConnectionTracker} whose reply tuple is the translated one, as in Linux's {@code nf_nat}: the
 * connection is found from either side by one lookup and both directions are rewritten from it.
 *
 * <p><b>Source NAT</b> (inside → outside): a TCP SYN, a UDP datagram or an ICMP echo request
 * (RFC 792; its identifier plays the port) from an inside host opens a connection; the source address
 * becomes the external address and the source port (identifier) a free one from the protocol's
 * range (refused and counted when the range is exhausted). Replies to the external address and port
 * are translated back. <b>Destination NAT</b> (port forwarding): a connection from outside to the
 * external address and a forwarded port goes to the configured inside address and port.
 *
 * <p><b>Checksums</b> are updated incrementally (RFC 1624 eqn. 3, {@link Checksums#update16}/
 * {@link Checksums#update32}): the IPv4 header checksum for the address, the TCP/UDP checksum for the
 * address (it is in the pseudo-header, RFC 9293 §3.1, RFC 768) and the port, the ICMP checksum for the
 * identifier (ICMP has no pseudo-header). A UDP checksum of 0 (none, RFC 768) stays 0.
 *
 * <p><b>Layer 2</b>: the NAT is a bump in the wire with one Ethernet address per port. On the outside
 * it answers ARP for the external address with its outside MAC and sends every translated frame from
 * that MAC. An inside host's ARP request goes out rewritten as the NAT's own (so no inside address
 * appears outside) and the answer is handed back to the host that asked. The reverse path restores
 * the inside host's MAC recorded in the connection; inside hosts' MACs are learnt from their ARP and
 * from the packets that open connections (a forwarded port's inside host must have spoken once,
 * otherwise its first packet is dropped and counted).
 *
 * <p>Not translated, dropped and counted: ICMP errors (their embedded header would need
 * translating too; not built), fragments, IPv4 protocols other than TCP, UDP and ICMP echo, and
 * anything outside addressed elsewhere than the external address. Ports are unique per protocol
 * across all destinations (no endpoint-dependent reuse).
 */
public final class Nat implements NetworkFunction {
    public static final int INSIDE = 0;
    public static final int OUTSIDE = 1;
    static final int SWEEP_PER_TICK = 64;
    private static final long KIND_SNAT = 1L << 62;
    private static final long KIND_DNAT = 1L << 61;
    private static final long MAC_MASK = (1L << 48) - 1;
    // RFC 826 / RFC 5227: offsets of the ARP fields after the Ethernet header.
    private static final int ARP_LEN = 28;
    private static final int ARP_OP = 6;
    private static final int ARP_SHA = 8;
    private static final int ARP_SPA = 14;
    private static final int ARP_THA = 18;
    private static final int ARP_TPA = 24;
    private static final int ARP_REQUEST = 1;
    private static final int ARP_REPLY = 2;

    /**
     * A port forward: connections to the external address and {@code externalPort} go to
     * {@code insideAddress}:{@code insidePort}.
     *
     * @param protocol {@link IpProtocol#TCP} or {@link IpProtocol#UDP}
     */
    public record PortForward(int protocol, int externalPort, Ipv4Address insideAddress, int insidePort) {
        public PortForward {
            if (protocol != IpProtocol.TCP && protocol != IpProtocol.UDP) {
                throw new IllegalArgumentException("a port forward is for tcp (6) or udp (17), not " + protocol);
            }
            if (externalPort < 1 || externalPort > 65535 || insidePort < 1 || insidePort > 65535) {
                throw new IllegalArgumentException("ports must be 1..65535: " + externalPort + " -> " + insidePort);
            }
        }
    }

    /**
     * @param externalAddress the address inside hosts are translated to
     * @param firstPort first port (and ICMP identifier) handed out
     * @param lastPort last port handed out
     * @param forwards port forwards (their external ports are never handed out)
     * @param maxConnections the connection table's size limit
     * @param timeouts connection timeouts
     */
    public record Config(Ipv4Address externalAddress, int firstPort, int lastPort, List<PortForward> forwards,
            int maxConnections, Timeouts timeouts) {
        public Config {
            if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
                throw new IllegalArgumentException("port range must lie in 1..65535: " + firstPort + "-" + lastPort);
            }
            forwards = List.copyOf(forwards);
        }

        /** Ports 1024–65535, no forwards, 65,536 connections, Linux's timeouts. */
        public static Config of(Ipv4Address externalAddress) {
            return new Config(externalAddress, 1024, 65535, List.of(), 65_536, Timeouts.linuxDefaults());
        }

        public Config withPorts(int first, int last) {
            return new Config(externalAddress, first, last, forwards, maxConnections, timeouts);
        }

        public Config withForwards(List<PortForward> f) {
            return new Config(externalAddress, firstPort, lastPort, f, maxConnections, timeouts);
        }
    }

    private final Config config;
    private final int external;
    private final ConnectionTracker tracker;
    private final PortAllocator tcpPorts;
    private final PortAllocator udpPorts;
    private final PortAllocator icmpIds;
    /** Forwarded ports: index protocol==TCP ? 0 : 1, then the external port; -1 or the forward's index. */
    private final int[][] forwardIndex = new int[2][];
    private final IntLongTable insideNeighbours = new IntLongTable(4096);
    /** Inside address that asked for an outside address, by that outside address. */
    private final IntLongTable pendingArp = new IntLongTable(1024);
    private final Ipv4Packet packet = new Ipv4Packet();
    private final byte[] arpReply = new byte[60];
    private long insideMac;
    private long outsideMac;

    private long translatedOut;
    private long translatedIn;
    private long portsExhausted;
    private long tableFull;
    private long invalid;
    private long unsolicited;
    private long untranslatable;
    private long insideHostUnknown;
    private long neighbourTableFull;
    private long arpAnswered;
    private long arpRelayed;
    private long arpDropped;
    private long malformed;

    public Nat(Config config) {
        this.config = config;
        this.external = config.externalAddress().bits();
        this.tracker = new ConnectionTracker(config.maxConnections(), config.timeouts());
        this.tcpPorts = new PortAllocator(config.firstPort(), config.lastPort());
        this.udpPorts = new PortAllocator(config.firstPort(), config.lastPort());
        this.icmpIds = new PortAllocator(config.firstPort(), config.lastPort());
        forwardIndex[0] = new int[65536];
        forwardIndex[1] = new int[65536];
        java.util.Arrays.fill(forwardIndex[0], -1);
        java.util.Arrays.fill(forwardIndex[1], -1);
        for (int i = 0; i < config.forwards().size(); i++) {
            PortForward f = config.forwards().get(i);
            int which = f.protocol() == IpProtocol.TCP ? 0 : 1;
            if (forwardIndex[which][f.externalPort()] >= 0) {
                throw new IllegalArgumentException("two forwards of " + f.protocol() + " port " + f.externalPort());
            }
            forwardIndex[which][f.externalPort()] = i;
            (which == 0 ? tcpPorts : udpPorts).reserve(f.externalPort());
        }
        tracker.table().setRemovalListener(this::released);
    }

    @Override
    public int ports() {
        return 2;
    }

    @Override
    public void attach(List<MacAddress> portMacs) {
        insideMac = portMacs.get(INSIDE).bits();
        outsideMac = portMacs.get(OUTSIDE).bits();
    }

    /** A source-NAT connection's external port goes back to its range when the connection goes. */
    private void released(ConnectionTable table, int e) {
        if ((table.mark(e) & KIND_SNAT) == 0) {
            return;
        }
        long reply = table.replyPorts(e);
        int protocol = (int) (reply >>> 40) & 0xFF;
        switch (protocol) {
            case IpProtocol.TCP -> tcpPorts.release((int) reply & 0xFFFF);
            case IpProtocol.UDP -> udpPorts.release((int) reply & 0xFFFF);
            default -> icmpIds.release((int) (reply >>> 16) & 0xFFFF);
        }
    }

    @Override
    public void process(int port, byte[] frame, int off, int len, long now, Output out) {
        if (port != INSIDE && port != OUTSIDE) {
            malformed++;
            return;
        }
        switch (packet.parse(frame, off, len)) {
            case ARP -> {
                if (port == INSIDE) {
                    insideArp(frame, off, len, out);
                } else {
                    outsideArp(frame, off, len, out);
                }
            }
            case IPV4 -> {
                if (port == INSIDE) {
                    fromInside(frame, off, len, now, out);
                } else {
                    fromOutside(frame, off, len, now, out);
                }
            }
            case MALFORMED -> malformed++;
            case FRAGMENT, OTHER -> untranslatable++;
        }
    }

    private void fromInside(byte[] f, int off, int len, long now, Output out) {
        Ipv4Packet p = packet;
        if (!p.trackable()) {
            untranslatable++;
            return;
        }
        ConnectionTable table = tracker.table();
        int handle = tracker.lookup(p, now);
        if (handle >= 0) {
            int e = handle >>> 1;
            boolean original = (handle & 1) == ConnectionTable.ORIGINAL;
            long kind = table.mark(e) & (original ? KIND_SNAT : KIND_DNAT);
            if (kind == 0) {
                invalid++; // an outside connection's packet arriving inside
                return;
            }
            int verdict = tracker.update(handle, p, now);
            if (verdict == ConnectionTracker.INVALID) {
                invalid++;
                return;
            }
            if (verdict == ConnectionTracker.ACCEPT) {
                // SNAT original: to the external address and allocated port (the reply's destination).
                // DNAT reply: from the inside server back to the external address and forwarded port.
                long key = original ? table.replyPorts(e) : table.originalPorts(e);
                int newPort = p.protocol == IpProtocol.ICMP ? (int) (key >>> 16) & 0xFFFF : (int) key & 0xFFFF;
                rewriteSource(f, external, newPort);
                Bytes.putU48(f, off + 6, outsideMac);
                translatedOut++;
                out.emit(OUTSIDE, f, off, len);
                return;
            }
            // REOPEN: judged as a new connection below.
        }
        if (!ConnectionTracker.canOpen(p)) {
            invalid++;
            return;
        }
        long hostMac = Bytes.getU48(f, off + 6);
        if (!insideNeighbours.put(p.source, hostMac)) {
            neighbourTableFull++; // the connection still works (its mark holds the MAC); only port forwards need the table
        }
        PortAllocator ports = allocator(p.protocol);
        int allocated = ports.allocate();
        if (allocated < 0) {
            portsExhausted++;
            return;
        }
        long replyAddresses = ConnectionTable.addresses(p.destination, external);
        long replyPorts = p.protocol == IpProtocol.ICMP
                ? ConnectionTable.ports(IpProtocol.ICMP, Ipv4Packet.ICMP_ECHO_REPLY, allocated, 0)
                : ConnectionTable.ports(p.protocol, 0, p.destinationPort, allocated);
        int e = tracker.openTranslated(p, INSIDE, now, replyAddresses, replyPorts);
        if (e < 0) {
            ports.release(allocated);
            tableFull++;
            return;
        }
        table.setMark(e, KIND_SNAT | hostMac);
        rewriteSource(f, external, allocated);
        Bytes.putU48(f, off + 6, outsideMac);
        translatedOut++;
        out.emit(OUTSIDE, f, off, len);
    }

    private void fromOutside(byte[] f, int off, int len, long now, Output out) {
        Ipv4Packet p = packet;
        if (p.destination != external) {
            unsolicited++;
            return;
        }
        if (!p.trackable()) {
            untranslatable++;
            return;
        }
        ConnectionTable table = tracker.table();
        int handle = tracker.lookup(p, now);
        if (handle >= 0) {
            int e = handle >>> 1;
            boolean original = (handle & 1) == ConnectionTable.ORIGINAL;
            long mark = table.mark(e);
            if ((mark & (original ? KIND_DNAT : KIND_SNAT)) == 0) {
                invalid++;
                return;
            }
            int verdict = tracker.update(handle, p, now);
            if (verdict == ConnectionTracker.INVALID) {
                invalid++;
                return;
            }
            if (verdict == ConnectionTracker.ACCEPT) {
                // SNAT reply: back to the inside host as it sent (the original's source).
                // DNAT original: to the inside server (the reply's source).
                long addresses = original ? table.replyAddresses(e) : table.originalAddresses(e);
                long ports = original ? table.replyPorts(e) : table.originalPorts(e);
                int newAddress = (int) (addresses >>> 32);
                int newPort = (int) (ports >>> 16) & 0xFFFF;
                rewriteDestination(f, newAddress, newPort);
                Bytes.putU48(f, off, mark & MAC_MASK);
                translatedIn++;
                out.emit(INSIDE, f, off, len);
                return;
            }
        }
        int forward = p.protocol == IpProtocol.TCP ? forwardIndex[0][p.destinationPort]
                : p.protocol == IpProtocol.UDP ? forwardIndex[1][p.destinationPort] : -1;
        if (forward < 0) {
            unsolicited++;
            return;
        }
        if (!ConnectionTracker.canOpen(p)) {
            invalid++;
            return;
        }
        PortForward fw = config.forwards().get(forward);
        int inside = fw.insideAddress().bits();
        long hostMac = insideNeighbours.get(inside);
        if (hostMac == IntLongTable.MISSING) {
            insideHostUnknown++;
            return;
        }
        int e = tracker.openTranslated(p, OUTSIDE, now, ConnectionTable.addresses(inside, p.source),
                ConnectionTable.ports(p.protocol, 0, fw.insidePort(), p.sourcePort));
        if (e < 0) {
            tableFull++;
            return;
        }
        table.setMark(e, KIND_DNAT | hostMac);
        rewriteDestination(f, inside, fw.insidePort());
        Bytes.putU48(f, off, hostMac);
        translatedIn++;
        out.emit(INSIDE, f, off, len);
    }

    private PortAllocator allocator(int protocol) {
        return switch (protocol) {
            case IpProtocol.TCP -> tcpPorts;
            case IpProtocol.UDP -> udpPorts;
            default -> icmpIds;
        };
    }

    // ---------------------------------------------------------------- rewriting (RFC 1624)

    private void rewriteSource(byte[] f, int address, int port) {
        Ipv4Packet p = packet;
        rewrite(f, p.l3 + 12, p.source, address, p.protocol == IpProtocol.ICMP ? p.l4 + 4 : p.l4, port);
    }

    private void rewriteDestination(byte[] f, int address, int port) {
        Ipv4Packet p = packet;
        rewrite(f, p.l3 + 16, p.destination, address, p.protocol == IpProtocol.ICMP ? p.l4 + 4 : p.l4 + 2, port);
    }

    /** Writes a new address at {@code addressAt} and a new port (or ICMP identifier) at {@code portAt}, fixing checksums. */
    private void rewrite(byte[] f, int addressAt, int oldAddress, int address, int portAt, int port) {
        Ipv4Packet p = packet;
        int oldPort = Bytes.getU16(f, portAt);
        int ipSum = p.l3 + 10;
        Bytes.putU16(f, ipSum, Checksums.update32(Bytes.getU16(f, ipSum), oldAddress, address));
        Bytes.putI32(f, addressAt, address);
        Bytes.putU16(f, portAt, port);
        switch (p.protocol) {
            case IpProtocol.TCP -> {
                int at = p.l4 + 16;
                int sum = Checksums.update32(Bytes.getU16(f, at), oldAddress, address); // pseudo-header
                Bytes.putU16(f, at, Checksums.update16(sum, oldPort, port));
            }
            case IpProtocol.UDP -> {
                int at = p.l4 + 6;
                int old = Bytes.getU16(f, at);
                if (old != 0) { // RFC 768: 0 means no checksum
                    int sum = Checksums.update16(Checksums.update32(old, oldAddress, address), oldPort, port);
                    Bytes.putU16(f, at, sum == 0 ? 0xFFFF : sum); // RFC 768: a computed 0 is sent as all ones
                }
            }
            default -> { // ICMP: no pseudo-header, only the identifier changed (RFC 792)
                int at = p.l4 + 2;
                Bytes.putU16(f, at, Checksums.update16(Bytes.getU16(f, at), oldPort, port));
            }
        }
    }

    // ---------------------------------------------------------------- ARP

    private boolean validArp(byte[] f, int off, int len) {
        int a = off + Ipv4Packet.ETH_HEADER;
        // RFC 826: Ethernet (1), IPv4 (0x0800), hardware length 6, protocol length 4.
        if (len < Ipv4Packet.ETH_HEADER + ARP_LEN || Bytes.getU16(f, a) != 1 || Bytes.getU16(f, a + 2) != EtherType.IPV4
                || (f[a + 4] & 0xFF) != 6 || (f[a + 5] & 0xFF) != 4) {
            malformed++;
            return false;
        }
        return true;
    }

    /** An inside host's request goes out as the NAT's own; the host is remembered as the asker. */
    private void insideArp(byte[] f, int off, int len, Output out) {
        if (!validArp(f, off, len)) {
            return;
        }
        int a = off + Ipv4Packet.ETH_HEADER;
        int spa = Bytes.getI32(f, a + ARP_SPA);
        long sha = Bytes.getU48(f, a + ARP_SHA);
        if (spa != 0) {
            insideNeighbours.put(spa, sha);
        }
        int tpa = Bytes.getI32(f, a + ARP_TPA);
        if (Bytes.getU16(f, a + ARP_OP) != ARP_REQUEST || spa == 0 || tpa == external) {
            arpDropped++; // replies and announcements stay inside: the outside never learns inside addresses
            return;
        }
        pendingArp.put(tpa, spa & 0xFFFF_FFFFL);
        Bytes.putU48(f, off + 6, outsideMac);
        Bytes.putU48(f, a + ARP_SHA, outsideMac);
        Bytes.putI32(f, a + ARP_SPA, external);
        arpRelayed++;
        out.emit(OUTSIDE, f, off, len);
    }

    /** Requests for the external address are answered; replies to it are handed to the inside host that asked. */
    private void outsideArp(byte[] f, int off, int len, Output out) {
        if (!validArp(f, off, len)) {
            return;
        }
        int a = off + Ipv4Packet.ETH_HEADER;
        int op = Bytes.getU16(f, a + ARP_OP);
        int tpa = Bytes.getI32(f, a + ARP_TPA);
        int spa = Bytes.getI32(f, a + ARP_SPA);
        long sha = Bytes.getU48(f, a + ARP_SHA);
        if (tpa != external) {
            arpDropped++;
            return;
        }
        if (op == ARP_REQUEST) {
            byte[] r = arpReply;
            java.util.Arrays.fill(r, (byte) 0);
            Bytes.putU48(r, 0, sha);
            Bytes.putU48(r, 6, outsideMac);
            Bytes.putU16(r, 12, EtherType.ARP);
            int b = Ipv4Packet.ETH_HEADER;
            Bytes.putU16(r, b, 1);
            Bytes.putU16(r, b + 2, EtherType.IPV4);
            r[b + 4] = 6;
            r[b + 5] = 4;
            Bytes.putU16(r, b + ARP_OP, ARP_REPLY);
            Bytes.putU48(r, b + ARP_SHA, outsideMac);
            Bytes.putI32(r, b + ARP_SPA, external);
            Bytes.putU48(r, b + ARP_THA, sha);
            Bytes.putI32(r, b + ARP_TPA, spa);
            arpAnswered++;
            out.emit(OUTSIDE, r, 0, r.length);
            return;
        }
        long asker = pendingArp.get(spa);
        long askerMac = asker == IntLongTable.MISSING ? IntLongTable.MISSING : insideNeighbours.get((int) asker);
        if (op != ARP_REPLY || askerMac == IntLongTable.MISSING) {
            arpDropped++;
            return;
        }
        Bytes.putU48(f, off, askerMac);
        Bytes.putU48(f, a + ARP_THA, askerMac);
        Bytes.putI32(f, a + ARP_TPA, (int) asker);
        arpRelayed++;
        out.emit(INSIDE, f, off, len);
    }

    @Override
    public void tick(long now, Output out) {
        tracker.expire(now, SWEEP_PER_TICK);
    }

    // ---------------------------------------------------------------- management interface

    public Config config() {
        return config;
    }

    /** The connection tracker (read it from the poll loop's thread, or after the loop is stopped). */
    public ConnectionTracker tracker() {
        return tracker;
    }

    /** External ports (or ICMP identifiers) in use for {@code protocol}. */
    public int portsInUse(int protocol) {
        return allocator(protocol).inUse();
    }

    public long portsExhausted() {
        return portsExhausted;
    }

    public long translatedOut() {
        return translatedOut;
    }

    public long translatedIn() {
        return translatedIn;
    }

    /** Outside packets that belong to no connection and no port forward. */
    public long unsolicited() {
        return unsolicited;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("translated-out", translatedOut);
        m.put("translated-in", translatedIn);
        m.put("ports-exhausted", portsExhausted);
        m.put("table-full-dropped", tableFull);
        m.put("invalid-dropped", invalid);
        m.put("unsolicited-dropped", unsolicited);
        m.put("untranslatable-dropped", untranslatable);
        m.put("inside-host-unknown", insideHostUnknown);
        m.put("neighbour-table-full", neighbourTableFull);
        m.put("malformed-dropped", malformed);
        m.put("arp-answered", arpAnswered);
        m.put("arp-relayed", arpRelayed);
        m.put("arp-dropped", arpDropped);
        m.put("connections", (long) tracker.table().size());
        m.put("tcp-ports-in-use", (long) tcpPorts.inUse());
        m.put("udp-ports-in-use", (long) udpPorts.inUse());
        m.put("icmp-ids-in-use", (long) icmpIds.inUse());
        return m;
    }
}
