package dev.iovirt.nfv.router;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.util.HashSet;
import java.util.List;

/**
 * Everything a {@link Router} needs, as the topology file gives it.
 *
 * @param interfaces        the interfaces, one per port, ports numbered 0..N-1
 * @param routes            static routes beside the connected ones
 * @param arpTimeoutNanos   how long a resolved neighbour stays in the ARP cache
 * @param arpRetryNanos     the interval between ARP requests for an unresolved next hop
 * @param arpRequests       how many requests are sent before the next hop is declared unreachable
 * @param pendingPerNextHop how many packets wait per unresolved next hop (the oldest is dropped beyond)
 * @param neighbours        static ARP entries ({@code ip neigh add ... nud permanent}): never expire, never
 *                          replaced by what ARP says; each on a connected subnet
 */
public record RouterConfig(List<RouterInterface> interfaces, List<StaticRoute> routes,
        long arpTimeoutNanos, long arpRetryNanos, int arpRequests, int pendingPerNextHop, List<Neighbour> neighbours) {

    /** A static neighbour: {@code ip} is at {@code mac}. */
    public record Neighbour(Ipv4Address ip, MacAddress mac) {
    }

    /** Linux's gc_stale_time is 60 s; an entry older than this is resolved again. */
    public static final long DEFAULT_ARP_TIMEOUT_NANOS = 60_000_000_000L;
    /** Linux's retrans_time (1 s). */
    public static final long DEFAULT_ARP_RETRY_NANOS = 1_000_000_000L;
    /** Linux's mcast_solicit (3). */
    public static final int DEFAULT_ARP_REQUESTS = 3;
    /**
     * Linux's {@code unres_qlen} default (Documentation/networking/ip-sysctl.rst: 101, derived from
     * {@code unres_qlen_bytes}), so that a burst of new connections waits for one ARP reply.
     */
    public static final int DEFAULT_PENDING = 101;

    public RouterConfig {
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("a router needs at least one interface");
        }
        var ports = new HashSet<Integer>();
        for (RouterInterface i : interfaces) {
            if (i.port() >= interfaces.size() || !ports.add(i.port())) {
                throw new IllegalArgumentException("interface ports must be 0.." + (interfaces.size() - 1) + ", each once");
            }
        }
        if (arpRequests < 1 || pendingPerNextHop < 1 || arpRetryNanos <= 0 || arpTimeoutNanos <= 0) {
            throw new IllegalArgumentException("ARP settings must be positive");
        }
    }

    /** A configuration with the defaults above. */
    public static RouterConfig of(List<RouterInterface> interfaces, List<StaticRoute> routes) {
        return new RouterConfig(interfaces, routes, DEFAULT_ARP_TIMEOUT_NANOS, DEFAULT_ARP_RETRY_NANOS,
                DEFAULT_ARP_REQUESTS, DEFAULT_PENDING, List.of());
    }

    /** This configuration with {@code neighbours} as its static ARP entries. */
    public RouterConfig withNeighbours(List<Neighbour> neighbours) {
        return new RouterConfig(interfaces, routes, arpTimeoutNanos, arpRetryNanos, arpRequests, pendingPerNextHop, neighbours);
    }
}
