package dev.iovirt.nfv.firewall;

import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import java.util.Locale;

/**
 * One firewall rule: what it matches (protocol, source and destination prefix, source and destination
 * port range) and what it does. Rules are evaluated in order, the first match wins; a packet that no
 * rule matches is denied.
 *
 * <p>The text form, which {@link #parse} reads and {@link #toString} writes:
 * <pre>
 *   allow udp from 10.0.1.0/24 to 10.0.2.0/24 port 5432
 *   deny tcp to any port 6000-6063
 *   allow icmp
 *   deny any
 * </pre>
 * {@code from}/{@code to} default to {@code any}; a {@code port} after {@code from} is the source port,
 * after {@code to} the destination port; ports are only allowed for tcp and udp.
 *
 * @param action allow or deny
 * @param protocol {@link Protocol#ANY}, TCP, UDP or ICMP
 * @param source source prefix
 * @param destination destination prefix
 * @param sourcePorts source port range ({@link PortRange#ANY} for any)
 * @param destinationPorts destination port range
 */
public record Rule(Action action, Protocol protocol, Cidr source, Cidr destination, PortRange sourcePorts,
        PortRange destinationPorts) {

    public enum Action { ALLOW, DENY }

    public enum Protocol {
        ANY(-1), TCP(IpProtocol.TCP), UDP(IpProtocol.UDP), ICMP(IpProtocol.ICMP);

        /** The IPv4 protocol number, -1 for any. */
        public final int number;

        Protocol(int number) {
            this.number = number;
        }
    }

    public Rule {
        if (protocol != Protocol.TCP && protocol != Protocol.UDP && (!sourcePorts.isAny() || !destinationPorts.isAny())) {
            throw new IllegalArgumentException("ports need protocol tcp or udp, not " + protocol.name().toLowerCase(Locale.ROOT));
        }
    }

    /** A rule matching every packet of {@code protocol}. */
    public static Rule of(Action action, Protocol protocol) {
        return new Rule(action, protocol, Cidr.ANY, Cidr.ANY, PortRange.ANY, PortRange.ANY);
    }

    /** Whether a packet with these fields matches (ports are ignored for protocols without them). */
    public boolean matches(int proto, int src, int dst, int srcPort, int dstPort) {
        return (protocol == Protocol.ANY || protocol.number == proto) && source.contains(src) && destination.contains(dst)
                && sourcePorts.contains(srcPort) && destinationPorts.contains(dstPort);
    }

    /**
     * Reads a rule in the text form above.
     *
     * @throws IllegalArgumentException with what was wrong and where
     */
    public static Rule parse(String text) {
        String[] t = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (t.length < 2) {
            throw new IllegalArgumentException("a rule is '<allow|deny> <any|tcp|udp|icmp> [from ...] [to ...]': " + text);
        }
        Action action = switch (t[0]) {
            case "allow" -> Action.ALLOW;
            case "deny" -> Action.DENY;
            default -> throw new IllegalArgumentException("expected allow or deny, found '" + t[0] + "' in: " + text);
        };
        Protocol protocol = switch (t[1]) {
            case "any" -> Protocol.ANY;
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            case "icmp" -> Protocol.ICMP;
            default -> throw new IllegalArgumentException("expected any, tcp, udp or icmp, found '" + t[1] + "' in: " + text);
        };
        Cidr[] prefixes = {Cidr.ANY, Cidr.ANY};
        PortRange[] ports = {PortRange.ANY, PortRange.ANY};
        int side = -1;
        for (int i = 2; i < t.length; i++) {
            switch (t[i]) {
                case "from", "to" -> {
                    side = t[i].equals("from") ? 0 : 1;
                    if (i + 1 >= t.length) {
                        throw new IllegalArgumentException("'" + t[i] + "' needs a prefix or 'any' in: " + text);
                    }
                    prefixes[side] = Cidr.parse(t[++i]);
                }
                case "port" -> {
                    if (i + 1 >= t.length) {
                        throw new IllegalArgumentException("'port' needs a port or range in: " + text);
                    }
                    ports[side < 0 ? 1 : side] = PortRange.parse(t[++i]);
                }
                default -> throw new IllegalArgumentException("unexpected '" + t[i] + "' in: " + text);
            }
        }
        return new Rule(action, protocol, prefixes[0], prefixes[1], ports[0], ports[1]);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(action.name().toLowerCase(Locale.ROOT)).append(' ')
                .append(protocol.name().toLowerCase(Locale.ROOT));
        if (!source.isAny() || !sourcePorts.isAny()) {
            b.append(" from ").append(source);
            if (!sourcePorts.isAny()) {
                b.append(" port ").append(sourcePorts);
            }
        }
        if (!destination.isAny() || !destinationPorts.isAny()) {
            b.append(" to ").append(destination);
            if (!destinationPorts.isAny()) {
                b.append(" port ").append(destinationPorts);
            }
        }
        return b.toString();
    }

    /** An IPv4 prefix. */
    public record Cidr(int network, int prefixLength) {
        public static final Cidr ANY = new Cidr(0, 0);

        public Cidr {
            if (prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("prefix length must be 0..32: " + prefixLength);
            }
            network &= Ipv4Address.prefixMask(prefixLength);
        }

        public static Cidr parse(String text) {
            if (text.equals("any")) {
                return ANY;
            }
            int slash = text.indexOf('/');
            try {
                int length = slash < 0 ? 32 : Integer.parseInt(text.substring(slash + 1));
                return new Cidr(Ipv4Address.of(slash < 0 ? text : text.substring(0, slash)).bits(), length);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not an IPv4 prefix: '" + text + "' (" + e.getMessage() + ")", e);
            }
        }

        public boolean contains(int address) {
            return (address & Ipv4Address.prefixMask(prefixLength)) == network;
        }

        public boolean isAny() {
            return prefixLength == 0;
        }

        @Override
        public String toString() {
            return isAny() ? "any" : Ipv4Address.format(network) + (prefixLength == 32 ? "" : "/" + prefixLength);
        }
    }

    /** An inclusive range of ports. */
    public record PortRange(int first, int last) {
        public static final PortRange ANY = new PortRange(0, 65535);

        public PortRange {
            if (first < 0 || last > 65535 || first > last) {
                throw new IllegalArgumentException("not a port range: " + first + "-" + last);
            }
        }

        public static PortRange of(int port) {
            return new PortRange(port, port);
        }

        public static PortRange parse(String text) {
            try {
                int dash = text.indexOf('-');
                return dash < 0 ? of(Integer.parseInt(text))
                        : new PortRange(Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a port or port range: '" + text + "'", e);
            }
        }

        public boolean contains(int port) {
            return port >= first && port <= last;
        }

        public boolean isAny() {
            return first == 0 && last == 65535;
        }

        public int width() {
            return last - first + 1;
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }
}
