package dev.iovirt.nfv.router;

import java.util.Objects;

import dev.iovirt.packet.Ipv4Address;

/**
 * A static route: packets to {@code prefix/prefixLength} go to {@code nextHop}, which must lie in a
 * connected subnet (RFC 1812 §5.2.4.4 routes are resolved to a connected next hop; recursive
 * resolution is not built).
 *
 * @param prefix       the destination network (host bits are ignored)
 * @param prefixLength 0 for the default route, up to 32
 * @param nextHop      the neighbour to forward to
 */
public record StaticRoute(Ipv4Address prefix, int prefixLength, Ipv4Address nextHop) {
    public StaticRoute {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(nextHop, "nextHop");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
    }
}
