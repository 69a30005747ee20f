package dev.iovirt.controller.flow;

import dev.iovirt.openflow.DatapathId;

/**
 * A change of a switch's flow table made through the {@link FlowRuleService}, or reported by the
 * switch (OFPT_FLOW_REMOVED, OF 1.3.5 §7.4.2).
 *
 * @param type what happened
 * @param dpid the switch
 * @param flow the entry (or, for a delete, the selector) in ovs-ofctl notation
 */
public record FlowEvent(Type type, DatapathId dpid, String flow) {
    public enum Type {
        /** The switch applied an add (a barrier confirmed it). */
        RULE_ADDED,
        /** The switch applied a delete. */
        RULE_REMOVED,
        /** The switch removed an entry by itself (timeout) and said so. */
        RULE_EXPIRED
    }
}
