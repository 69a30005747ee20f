package dev.iovirt.controller.topology;

/**
 * A change in the link registry.
 *
 * @param type what happened
 * @param link the link
 */
public record LinkEvent(Type type, Link link) {
    public enum Type {
        /** The first probe over the link arrived. */
        LINK_ADDED,
        /** A port or switch of the link went away, or probes stopped arriving. */
        LINK_REMOVED
    }
}
