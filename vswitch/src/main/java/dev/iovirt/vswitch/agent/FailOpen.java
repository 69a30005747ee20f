package dev.iovirt.vswitch.agent;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.vswitch.ofproto.Bridge;

/**
 * How a bridge is made to behave as a learning switch while fail-open is active (fail mode
 * standalone, no controller connected). Called on the switch thread only.
 *
 * <p>Open vSwitch does it with a hidden flow (priority 0xf0f0f0, above every OpenFlow priority,
 * invisible to dump-flows) whose action is NORMAL. Our {@link Bridge} has no hidden flows yet, so
 * {@link #VISIBLE_FLOW} installs an ordinary one at the highest OpenFlow priority, marked by its
 * cookie; once the bridge offers a hidden override, an implementation calling it replaces this one
 * without touching the agent.
 */
public interface FailOpen {
    /** Makes every packet take the NORMAL action, whatever the flow tables say. */
    void activate(Bridge bridge);

    /** Gives the decisions back to the flow tables. */
    void deactivate(Bridge bridge);

    /** The cookie of the fail-open flow: Open vSwitch's fail-open priority, as a mark. */
    long COOKIE = 0xF0F0F0L;
    /** The highest priority an OpenFlow flow entry can have (OF 1.3.5 §7.3.4.1, uint16_t priority). */
    int PRIORITY = 0xFFFF;

    /**
     * Fail-open as a visible flow: table 0, priority 65535, match all, cookie {@link #COOKIE},
     * actions=NORMAL. It shows in dump-flows while active, and a controller's own flow at that
     * exact priority and match would be replaced by it.
     */
    FailOpen VISIBLE_FLOW = new FailOpen() {
        @Override
        public void activate(Bridge bridge) {
            bridge.handle(OfpFlowMod.builder(FlowModCommand.ADD).table(0).priority(PRIORITY).cookie(COOKIE)
                    .apply(Action.Output.to(PortNo.NORMAL)).build());
        }

        @Override
        public void deactivate(Bridge bridge) {
            bridge.handle(OfpFlowMod.builder(FlowModCommand.DELETE_STRICT).table(0).priority(PRIORITY)
                    .cookie(COOKIE, -1L).build());
        }
    };
}
