package dev.iovirt.controller.host;

/**
 * A change in the host registry.
 *
 * @param type what happened
 * @param host the host after the change
 * @param previous the host before it (for moves and updates), or null
 */
public record HostEvent(Type type, Host host, Host previous) {
    public enum Type {
        /** A MAC address seen for the first time. */
        HOST_ADDED,
        /** A known MAC address seen on another switch port. */
        HOST_MOVED,
        /** A known host used a new IP address. */
        HOST_UPDATED,
        /** Its switch went away. */
        HOST_REMOVED
    }
}
