package dev.iovirt.packet;

/**
 * The host side of a network interface: what a device model offers and a switch connects to, with
 * the semantics of an Open vSwitch netdev as the switch sees it.
 *
 * <pre>
 *   guest driver ── rings in guest memory ── device model ═╡ FramePort ╞═ switch / link
 *                                                           receive():  frames the guest sent
 *                                                           transmit(): frames for the guest
 * </pre>
 *
 * Device modules implement this interface and never depend on {@code vswitch}; the platform wires
 * ports to switches. Both calls are non-blocking and copy bytes: no frame object changes owner.
 */
public interface FramePort {
    /** A name unique on its host, e.g. {@code web1.eth0}. */
    String name();

    /**
     * Moves frames that arrived at this port (from the device behind it) into {@code batch}, as many
     * as are waiting and fit in {@link FrameBatch#remaining()}.
     *
     * @return how many frames were added
     */
    int receive(FrameBatch batch);

    /**
     * Sends every frame of {@code batch} out of this port (towards the device behind it). Frames the
     * port cannot take (no receive buffer, link down) are dropped and counted in
     * {@link PortCounters#txDropped}. The batch is not modified.
     *
     * @return how many frames were accepted
     */
    int transmit(FrameBatch batch);

    /** Counters of this port; {@code rx} is what {@link #receive} returned, {@code tx} what {@link #transmit} took. */
    PortCounters counters();

    /** Whether the link is up; a down port receives nothing and drops what it is given. */
    default boolean isLinkUp() {
        return true;
    }

    /**
     * Registers a callback that the port runs, on any thread, when frames become available to
     * {@link #receive}, so that a datapath thread can sleep instead of spinning. At most one.
     */
    default void setReceiveListener(Runnable listener) {
    }
}
