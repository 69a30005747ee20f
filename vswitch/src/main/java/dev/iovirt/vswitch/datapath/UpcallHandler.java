package dev.iovirt.vswitch.datapath;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FlowKey;
import java.util.List;

/**
 * The slow path, called by the datapath for a packet no megaflow covers (a "miss upcall"), and for
 * packets that a {@link DpAction.Userspace} action sends up.
 */
public interface UpcallHandler {
    /**
     * Decides what to do with packets like this one.
     *
     * @param key the parsed frame
     * @param words the packed key at {@code off}
     * @param wildcards receives (OR) every key bit the decision depended on; the datapath installs
     *     a megaflow with this mask, so it must be complete
     * @param actions receives the actions to apply, in order (empty: drop)
     * @return what to attach to the megaflow as its {@link Megaflow#owner()} (may be null)
     */
    Object translate(FlowKey key, long[] words, int off, long[] wildcards, List<DpAction> actions);

    /** Told when a megaflow leaves the datapath (invalidation, eviction), so its last counts can be credited. */
    default void evicted(Megaflow megaflow) {
    }

    /** Receives a frame sent up by a {@link DpAction.Userspace} action; the frame is only lent for the call. */
    default void userspace(Frame frame, FlowKey key, DpAction.Userspace action) {
    }
}
