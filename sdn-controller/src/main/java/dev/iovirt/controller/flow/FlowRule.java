package dev.iovirt.controller.flow;

import java.util.List;
import java.util.Map;

/**
 * A flow entry as the northbound API describes it: the fields of OFPT_FLOW_MOD (OF 1.3.5 §7.3.4.1)
 * with the match written as ovs-ofctl field names and values ({@code in_port}, {@code dl_type},
 * {@code nw_src=10.0.0.0/24}, {@code tcp_dst}, ...) and the actions as a list. {@link FlowRules}
 * turns it into an {@code OfpFlowMod} and back.
 *
 * @param table the table id, 0..254
 * @param priority the entry's priority, 0..65535
 * @param cookie the controller's opaque id for the entry
 * @param idleTimeout seconds without a hit before expiry, 0 for never
 * @param hardTimeout seconds before expiry, 0 for never
 * @param match field name → value text, in the order given
 * @param actions what to do with a matching packet; empty means drop
 */
public record FlowRule(int table, int priority, long cookie, int idleTimeout, int hardTimeout,
                       Map<String, String> match, List<FlowAction> actions) {
    public FlowRule {
        match = Map.copyOf(match);
        actions = List.copyOf(actions);
    }
}
