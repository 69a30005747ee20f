package dev.iovirt.platform.run;

import dev.iovirt.packet.Frame;

/**
 * What a run tells an observer (a packet trace): each frame that crosses a switch port, and each
 * step of an active part (a vCPU, a switch, an SR-IOV NIC's embedded switch, the underlay) that
 * did some work. Called on the run's thread, in the order things happen.
 */
interface RunObserver {
    RunObserver NONE = new RunObserver() { };

    /**
     * A frame crossed {@code port} (a vNIC, tunnel or uplink as its switch sees it): into the switch
     * ({@code intoSwitch}), or out of it.
     */
    default void frame(String host, String port, boolean intoSwitch, Frame frame) {
    }

    /** {@code part} ran one step and did some work. */
    default void stepped(String part) {
    }
}
