package dev.iovirt.nfv.firewall;

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.nfv.conntrack.ConnectionTable;
import dev.iovirt.nfv.conntrack.ConnectionTracker;
import dev.iovirt.nfv.conntrack.Ipv4Packet;
import dev.iovirt.nfv.conntrack.Timeouts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stateful firewall in the wire between port 0 and port 1 (what arrives on one leaves by the
 * other, unchanged): the first packet of a connection is checked against the ordered {@link RuleSet}
 * (first match wins, default deny); an allowed one opens a connection in the {@link ConnectionTracker},
 * and from then on its packets in both directions pass by the connection alone, never touching the
 * rules, as long as they are valid for its TCP state. Like {@code iptables -m conntrack --ctstate
 * ESTABLISHED,RELATED -j ACCEPT} in front of a rule list, with INVALID dropped.
 *
 * <p>Per packet, in order:
 * <ol>
 *   <li>ARP passes (the firewall is transparent at L2); anything neither ARP nor IPv4 is dropped and
 *       counted (the rules speak IPv4), as are IPv4 fragments (no L4 header to check; Linux
 *       reassembles before conntrack, this firewall does not) and malformed frames.
 *   <li>A packet of a known connection is applied to it: valid, it passes; invalid for the state (a
 *       SYN-ACK in ESTABLISHED from the originator, ...), it is dropped and counted. A reply must
 *       arrive on the port opposite to the one its connection started from.
 *   <li>Otherwise, a packet that cannot start a connection (a TCP segment without SYN, a bare ACK, an
 *       ICMP echo reply) is invalid: dropped and counted, whatever the rules say.
 *   <li>Otherwise the rules decide; an allowed packet opens a connection (refused and counted when the
 *       table is full). ICMP other than echo and protocols other than TCP/UDP are not tracked: each
 *       such packet is checked against the rules.
 * </ol>
 * Rule counters count the packets and bytes (the IPv4 total length) that the rule decided.
 */
public final class Firewall implements NetworkFunction {
    /** Expired connections swept per {@link #tick}, at most. */
    static final int SWEEP_PER_TICK = 64;

    /**
     * @param rules the ordered rules
     * @param maxConnections the connection table's size limit
     * @param timeouts connection timeouts
     */
    public record Config(List<Rule> rules, int maxConnections, Timeouts timeouts) {
        public Config {
            rules = List.copyOf(rules);
        }

        /** Rules with a 65,536-connection table and Linux's timeouts. */
        public static Config of(List<Rule> rules) {
            return new Config(rules, 65_536, Timeouts.linuxDefaults());
        }
    }

    /** A rule with what it has decided so far. */
    public record RuleCounter(Rule rule, long packets, long bytes) {
    }

    private final RuleSet rules;
    private final ConnectionTracker tracker;
    private final Ipv4Packet packet = new Ipv4Packet();
    private final long[] rulePackets;
    private final long[] ruleBytes;
    private long defaultDenied;
    private long passed;
    private long arpPassed;
    private long invalidDropped;
    private long nonIpv4Dropped;
    private long fragmentsDropped;
    private long malformedDropped;
    private long tableFullDropped;

    public Firewall(Config config) {
        this.rules = new RuleSet(config.rules());
        this.tracker = new ConnectionTracker(config.maxConnections(), config.timeouts());
        this.rulePackets = new long[rules.size()];
        this.ruleBytes = new long[rules.size()];
    }

    @Override
    public int ports() {
        return 2;
    }

    @Override
    public void process(int port, byte[] frame, int off, int len, long now, Output out) {
        if (port != 0 && port != 1) {
            malformedDropped++;
            return;
        }
        int egress = port ^ 1;
        switch (packet.parse(frame, off, len)) {
            case ARP -> {
                arpPassed++;
                out.emit(egress, frame, off, len);
            }
            case OTHER -> nonIpv4Dropped++;
            case FRAGMENT -> fragmentsDropped++;
            case MALFORMED -> malformedDropped++;
            case IPV4 -> {
                if (admit(port, now)) {
                    passed++;
                    out.emit(egress, frame, off, len);
                }
            }
        }
    }

    /** Whether the parsed IPv4 packet that arrived on {@code port} may pass. */
    private boolean admit(int port, long now) {
        Ipv4Packet p = packet;
        int handle = tracker.lookup(p, now);
        if (handle >= 0) {
            ConnectionTable table = tracker.table();
            int e = handle >>> 1;
            boolean original = (handle & 1) == ConnectionTable.ORIGINAL;
            if (original != (table.originPort(e) == port)) {
                invalidDropped++; // a connection's packet on the wrong side of the wire
                return false;
            }
            int verdict = tracker.update(handle, p, now);
            if (verdict == ConnectionTracker.ACCEPT) {
                return true;
            }
            if (verdict == ConnectionTracker.INVALID) {
                invalidDropped++;
                return false;
            }
            // REOPEN: the closed connection is gone; the packet is judged as a new one.
        }
        boolean tracked = p.trackable();
        if (tracked && !ConnectionTracker.canOpen(p)) {
            invalidDropped++;
            return false;
        }
        int r = rules.match(p.protocol, p.source, p.destination, p.sourcePort, p.destinationPort);
        if (r < 0) {
            defaultDenied++;
            return false;
        }
        rulePackets[r]++;
        ruleBytes[r] += p.ipLength;
        if (rules.rules().get(r).action() == Rule.Action.DENY) {
            return false;
        }
        if (tracked && tracker.open(p, port, now) < 0) {
            tableFullDropped++;
            return false;
        }
        return true;
    }

    @Override
    public void tick(long now, Output out) {
        tracker.expire(now, SWEEP_PER_TICK);
    }

    // ---------------------------------------------------------------- management interface

    /** Each rule with the packets and bytes it decided, in rule order. */
    public List<RuleCounter> ruleCounters() {
        List<RuleCounter> l = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            l.add(new RuleCounter(rules.rules().get(i), rulePackets[i], ruleBytes[i]));
        }
        return l;
    }

    public RuleSet rules() {
        return rules;
    }

    /** The connection tracker (read it from the poll loop's thread, or after the loop is stopped). */
    public ConnectionTracker tracker() {
        return tracker;
    }

    /** Packets no rule matched (the default deny). */
    public long defaultDenied() {
        return defaultDenied;
    }

    /** Packets invalid for (or without) a connection. */
    public long invalidDropped() {
        return invalidDropped;
    }

    /** New connections refused because the connection table was full. */
    public long tableFullDropped() {
        return tableFullDropped;
    }

    /** IPv4 packets forwarded. */
    public long passed() {
        return passed;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("passed", passed);
        m.put("arp-passed", arpPassed);
        m.put("default-denied", defaultDenied);
        m.put("invalid-dropped", invalidDropped);
        m.put("non-ipv4-dropped", nonIpv4Dropped);
        m.put("fragments-dropped", fragmentsDropped);
        m.put("malformed-dropped", malformedDropped);
        m.put("table-full-dropped", tableFullDropped);
        m.put("connections", (long) tracker.table().size());
        m.put("connections-opened", tracker.table().opened());
        m.put("connections-expired", tracker.table().expired());
        for (int i = 0; i < rules.size(); i++) {
            m.put("rule-" + i + "-packets", rulePackets[i]);
            m.put("rule-" + i + "-bytes", ruleBytes[i]);
        }
        return m;
    }
}
