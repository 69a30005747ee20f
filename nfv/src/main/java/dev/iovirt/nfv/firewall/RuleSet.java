package dev.iovirt.nfv.firewall;

import dev.iovirt.packet.IpProtocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordered rule list compiled for lookup: {@link #match} returns the first rule that matches, as a
 * linear scan would, without scanning every rule.
 *
 * <p><b>Index</b>: rules are split by protocol (a rule for any protocol goes into every list). For TCP
 * and UDP, a rule whose destination port range is narrow (at most {@value #NARROW_RANGE} ports) is
 * filed under each of its ports; the others (any port, wide ranges) stay in one "wide" list. A TCP or
 * UDP packet is then checked against the merge, in rule order, of its destination port's list and the
 * wide list, stopping at the first match: with a thousand single-port rules a packet looks at a
 * handful. Each list holds rule indices in ascending order, so the merge preserves first-match-wins.
 * ICMP and other protocols scan their own list.
 *
 * <p>Immutable once built; the per-port arrays share one empty array, so memory is one reference per
 * port per protocol plus the filed indices.
 */
public final class RuleSet {
    /** Destination port ranges up to this width are filed per port. */
    static final int NARROW_RANGE = 256;
    private static final int[] NONE = new int[0];

    private final List<Rule> rules;
    private final int[][] tcpByPort = new int[65536][];
    private final int[][] udpByPort = new int[65536][];
    private final int[] tcpWide;
    private final int[] udpWide;
    private final int[] icmp;
    private final int[] other;

    public RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        List<List<Integer>> tcp = new ArrayList<>();
        List<List<Integer>> udp = new ArrayList<>();
        List<Integer> tcpWideList = new ArrayList<>();
        List<Integer> udpWideList = new ArrayList<>();
        List<Integer> icmpList = new ArrayList<>();
        List<Integer> otherList = new ArrayList<>();
        Arrays.fill(tcpByPort, NONE);
        Arrays.fill(udpByPort, NONE);
        int[][][] perPort = {tcpByPort, udpByPort};
        for (int i = 0; i < this.rules.size(); i++) {
            Rule r = this.rules.get(i);
            switch (r.protocol()) {
                case ANY -> {
                    tcpWideList.add(i);
                    udpWideList.add(i);
                    icmpList.add(i);
                    otherList.add(i);
                }
                case ICMP -> icmpList.add(i);
                case TCP, UDP -> {
                    int which = r.protocol() == Rule.Protocol.TCP ? 0 : 1;
                    Rule.PortRange ports = r.destinationPorts();
                    if (ports.width() > NARROW_RANGE) {
                        (which == 0 ? tcpWideList : udpWideList).add(i);
                    } else {
                        int[][] table = perPort[which];
                        for (int p = ports.first(); p <= ports.last(); p++) {
                            int[] old = table[p];
                            int[] grown = Arrays.copyOf(old, old.length + 1);
                            grown[old.length] = i; // ascending: rules are visited in order
                            table[p] = grown;
                        }
                    }
                }
            }
        }
        tcpWide = toArray(tcpWideList);
        udpWide = toArray(udpWideList);
        icmp = toArray(icmpList);
        other = toArray(otherList);
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    public List<Rule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }

    /** The index of the first rule matching these fields, or -1 (the default: deny). */
    public int match(int protocol, int source, int destination, int sourcePort, int destinationPort) {
        return switch (protocol) {
            case IpProtocol.TCP -> merge(tcpByPort[destinationPort & 0xFFFF], tcpWide, protocol, source, destination,
                    sourcePort, destinationPort);
            case IpProtocol.UDP -> merge(udpByPort[destinationPort & 0xFFFF], udpWide, protocol, source, destination,
                    sourcePort, destinationPort);
            case IpProtocol.ICMP -> scan(icmp, protocol, source, destination, sourcePort, destinationPort);
            default -> scan(other, protocol, source, destination, sourcePort, destinationPort);
        };
    }

    private int merge(int[] a, int[] b, int protocol, int src, int dst, int sport, int dport) {
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int r = j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++];
            if (rules.get(r).matches(protocol, src, dst, sport, dport)) {
                return r;
            }
        }
        return -1;
    }

    private int scan(int[] list, int protocol, int src, int dst, int sport, int dport) {
        for (int r : list) {
            if (rules.get(r).matches(protocol, src, dst, sport, dport)) {
                return r;
            }
        }
        return -1;
    }

    /** The first matching rule by a plain scan of every rule: the reference {@link #match} must agree with. */
    public int matchLinear(int protocol, int source, int destination, int sourcePort, int destinationPort) {
        for (int r = 0; r < rules.size(); r++) {
            if (rules.get(r).matches(protocol, source, destination, sourcePort, destinationPort)) {
                return r;
            }
        }
        return -1;
    }
}
