package dev.iovirt.nfv.lb;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * Everything a {@link LoadBalancer} needs, as the topology file gives it.
 *
 * @param vip              the virtual IP clients connect to
 * @param port             the virtual service's L4 port
 * @param protocol         {@link IpProtocol#TCP} or {@link IpProtocol#UDP}
 * @param backends         the real servers, in a fixed order (their index is their table value)
 * @param ownIp            the load balancer's own address on the backend side: source of health
 *                         probes and ARP requests
 * @param prefixLength     the prefix of {@code ownIp}'s subnet: backends inside it are reached
 *                         directly, others through the gateway
 * @param clientMac        the MAC of port 0 (client side), with which the VIP is answered in ARP
 * @param backendMac       the MAC of port 1 (backend side), source of probes and ARP requests
 * @param gatewayIp        the backend side's gateway, or null when every backend is on-link
 * @param gatewayMac       the gateway's MAC, or null to resolve {@code gatewayIp} by ARP
 * @param healthIntervalNanos how often each backend is probed; 0 turns health checks off
 * @param probe            what a health probe is
 * @param rise             consecutive successful probes that bring a down backend up (HAProxy {@code rise})
 * @param fall             consecutive missed probes that take an up backend down (HAProxy {@code fall})
 * @param tableSize        the Maglev table size M, a prime (§3.4)
 * @param maxConnections   capacity of the connection table; new connections beyond it are dropped
 * @param udpIdleNanos     a UDP flow idle this long is forgotten
 * @param tcpIdleNanos     a TCP connection idle this long is forgotten (no FIN or RST seen)
 * @param tcpClosingNanos  how long a TCP connection that saw FIN both ways stays, for the last ACKs
 */
public record LoadBalancerConfig(
        Ipv4Address vip, int port, int protocol, List<Backend> backends,
        Ipv4Address ownIp, int prefixLength, MacAddress clientMac, MacAddress backendMac,
        Ipv4Address gatewayIp, MacAddress gatewayMac,
        long healthIntervalNanos, HealthProbe probe, int rise, int fall, int tableSize, int maxConnections,
        long udpIdleNanos, long tcpIdleNanos, long tcpClosingNanos) {

    /** HAProxy's defaults: {@code inter 2s rise 2 fall 3}. */
    public static final long DEFAULT_HEALTH_INTERVAL_NANOS = 2_000_000_000L;
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final int DEFAULT_MAX_CONNECTIONS = 65_536;
    /** Linux conntrack's nf_conntrack_udp_timeout (30 s). */
    public static final long DEFAULT_UDP_IDLE_NANOS = 30_000_000_000L;
    /** Linux IPVS's TCP established timeout (900 s). */
    public static final long DEFAULT_TCP_IDLE_NANOS = 900_000_000_000L;
    /** Linux IPVS's TCP FIN_WAIT/TIME_WAIT timeouts (about 2 minutes; 10 s here for short tests). */
    public static final long DEFAULT_TCP_CLOSING_NANOS = 10_000_000_000L;

    public LoadBalancerConfig {
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(ownIp, "ownIp");
        Objects.requireNonNull(clientMac, "clientMac");
        Objects.requireNonNull(backendMac, "backendMac");
        Objects.requireNonNull(probe, "probe");
        if (probe == HealthProbe.TCP_SYN && protocol != IpProtocol.TCP) {
            throw new IllegalArgumentException("TCP SYN health probes need a TCP service");
        }
        backends = List.copyOf(backends);
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (protocol != IpProtocol.TCP && protocol != IpProtocol.UDP) {
            throw new IllegalArgumentException("protocol must be TCP (6) or UDP (17), got " + protocol);
        }
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        if (maxConnections < 1 || maxConnections > 1 << 24) {
            throw new IllegalArgumentException("maxConnections must be in [1, 2^24]");
        }
        Maglev.requirePrime(tableSize);
        var names = new HashSet<String>();
        var ips = new HashSet<Ipv4Address>();
        for (Backend b : backends) {
            if (!names.add(b.name())) {
                throw new IllegalArgumentException("duplicate backend name " + b.name());
            }
            if (!ips.add(b.ip())) {
                throw new IllegalArgumentException("duplicate backend address " + b.ip());
            }
        }
    }

    /** A configuration with the defaults above, no gateway, and the paper's M = 65,537. */
    public static LoadBalancerConfig of(Ipv4Address vip, int port, int protocol, List<Backend> backends,
            Ipv4Address ownIp, int prefixLength, MacAddress clientMac, MacAddress backendMac) {
        return new LoadBalancerConfig(vip, port, protocol, backends, ownIp, prefixLength, clientMac, backendMac,
                null, null, DEFAULT_HEALTH_INTERVAL_NANOS, HealthProbe.ICMP_ECHO, DEFAULT_RISE, DEFAULT_FALL, Maglev.DEFAULT_SIZE,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_UDP_IDLE_NANOS, DEFAULT_TCP_IDLE_NANOS, DEFAULT_TCP_CLOSING_NANOS);
    }

    /** This configuration with other health-check settings. */
    public LoadBalancerConfig withHealth(long intervalNanos, int rise, int fall) {
        return new LoadBalancerConfig(vip, port, protocol, backends, ownIp, prefixLength, clientMac, backendMac,
                gatewayIp, gatewayMac, intervalNanos, probe, rise, fall, tableSize, maxConnections,
                udpIdleNanos, tcpIdleNanos, tcpClosingNanos);
    }

    /** This configuration with another kind of health probe. */
    public LoadBalancerConfig withProbe(HealthProbe kind) {
        return new LoadBalancerConfig(vip, port, protocol, backends, ownIp, prefixLength, clientMac, backendMac,
                gatewayIp, gatewayMac, healthIntervalNanos, kind, rise, fall, tableSize, maxConnections,
                udpIdleNanos, tcpIdleNanos, tcpClosingNanos);
    }

    /** This configuration with another table size and connection capacity. */
    public LoadBalancerConfig withTable(int tableSize, int maxConnections) {
        return new LoadBalancerConfig(vip, port, protocol, backends, ownIp, prefixLength, clientMac, backendMac,
                gatewayIp, gatewayMac, healthIntervalNanos, probe, rise, fall, tableSize, maxConnections,
                udpIdleNanos, tcpIdleNanos, tcpClosingNanos);
    }

    /** This configuration with a gateway on the backend side. */
    public LoadBalancerConfig withGateway(Ipv4Address ip, MacAddress mac) {
        return new LoadBalancerConfig(vip, port, protocol, backends, ownIp, prefixLength, clientMac, backendMac,
                ip, mac, healthIntervalNanos, probe, rise, fall, tableSize, maxConnections,
                udpIdleNanos, tcpIdleNanos, tcpClosingNanos);
    }
}
