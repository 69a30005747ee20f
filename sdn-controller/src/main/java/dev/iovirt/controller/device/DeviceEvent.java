package dev.iovirt.controller.device;

import dev.iovirt.openflow.Port;

/**
 * A change in the device registry.
 *
 * @param type what happened
 * @param device the device it happened to
 * @param port the port concerned (its description after the change), or null for device events
 */
public record DeviceEvent(Type type, Device device, Port port) {
    public enum Type {
        /** A switch finished its handshake; its ports are in the store. */
        DEVICE_ADDED,
        /** A switch's connection closed; it and its ports are gone from the store. */
        DEVICE_REMOVED,
        /** OFPPR_ADD (OF 1.3.5 §7.4.3). */
        PORT_ADDED,
        /** OFPPR_MODIFY: config or state changed, e.g. link up or down. */
        PORT_UPDATED,
        /** OFPPR_DELETE. */
        PORT_REMOVED
    }
}
