package dev.iovirt.controller.network;

/**
 * A change of the networks.
 *
 * @param type what changed
 * @param network the network concerned, or null for tunnel events
 * @param member the member added or removed, or null
 * @param tunnel the tunnel added or removed, or null
 */
public record NetworkEvent(Type type, Network network, Member member, Tunnel tunnel) {
    public enum Type {
        NETWORK_ADDED,
        NETWORK_REMOVED,
        MEMBER_ADDED,
        MEMBER_REMOVED,
        TUNNEL_ADDED,
        TUNNEL_REMOVED
    }
}
