package dev.iovirt.vswitch.agent;

import dev.iovirt.vswitch.ofproto.Bridge;

/**
 * How a bridge is made to behave as a learning switch while fail-open is active (fail mode
 * standalone, no controller connected). Called on the switch thread only.
 *
 * <p>Open vSwitch does it with a hidden flow (priority 0xf0f0f0, above every OpenFlow priority,
 * invisible to dump-flows) whose action is NORMAL; {@link #HIDDEN} does the same through
 * {@link Bridge#setFailOpen}. The interface stays so that a test or an embedding can observe or
 * replace the behaviour.
 */
public interface FailOpen {
    /** Makes every packet take the NORMAL action, whatever the flow tables say. */
    void activate(Bridge bridge);

    /** Gives the decisions back to the flow tables. */
    void deactivate(Bridge bridge);

    /** Fail-open as Open vSwitch does it: a hidden override, never in the flow tables or their dumps. */
    FailOpen HIDDEN = new FailOpen() {
        @Override
        public void activate(Bridge bridge) {
            bridge.setFailOpen(true);
        }

        @Override
        public void deactivate(Bridge bridge) {
            bridge.setFailOpen(false);
        }
    };
}
