package dev.iovirt.controller.network;

/**
 * What else a network change must respect, asked by the {@link NetworkManager} before it applies
 * the change and while it holds its lock (so the answer cannot go stale): the service chains'
 * appliance ports are never members or tunnels, and a network a flow classifier uses stays. A
 * refusal is a {@link NetworkException} naming the field.
 */
public interface NetworkGuard {
    /** A guard that allows everything. */
    NetworkGuard NONE = new NetworkGuard() {
    };

    /** Before {@code member} is added. */
    default void checkMember(Member member) {
    }

    /** Before {@code tunnel} is registered. */
    default void checkTunnel(Tunnel tunnel) {
    }

    /** Before network {@code name} is removed. */
    default void checkRemove(String name) {
    }
}
