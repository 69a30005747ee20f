package dev.iovirt.vswitch.agent;

import dev.iovirt.openflow.OfpMessage;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What an operator wants to hear about an agent: one call per notable event, each on whatever
 * thread noticed it (a Netty event loop or the switch thread). {@code iovirt switch} prints one
 * line per call; tests complete futures.
 */
public interface AgentListener {
    /** The passive listener is bound and accepting connections. */
    default void listening(InetSocketAddress address) {
    }

    /** A connection completed the OpenFlow 1.3 handshake. */
    default void connected(String peer, boolean active) {
    }

    /** A connection that had completed its handshake is gone, for {@code reason}. */
    default void disconnected(String peer, boolean active, String reason) {
    }

    /** An active connection could not be made or failed its handshake; the next try is in {@code retryIn}. */
    default void connectFailed(String target, String reason, Duration retryIn) {
    }

    /** Fail-open (standalone learning) was switched on or off. */
    default void failOpen(boolean active) {
    }

    /**
     * The switch thread carried out {@code message} from {@code peer} (after its replies were
     * queued); for a verbose log, and for tests that wait until a controller's flow is in place.
     */
    default void handled(String peer, OfpMessage message) {
    }

    /** Something went wrong that the agent survived (a broken controller message, an I/O error). */
    default void warning(String message) {
    }

    AgentListener NONE = new AgentListener() {
    };
}
