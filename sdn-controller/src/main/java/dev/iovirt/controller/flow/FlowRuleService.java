package dev.iovirt.controller.flow;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpFlowMod;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Flow tables of the switches. Changes complete only once the switch has confirmed them with a
 * barrier (OF 1.3.5 §6.2), or fail with the switch's error; a description that cannot be valid is
 * refused with {@link FlowRuleException} before anything is sent, so nothing is half-applied.
 */
public interface FlowRuleService {
    /** The switch's flow entries, asked of it (OFPMP_FLOW, OF 1.3.5 §7.3.5.2). */
    CompletableFuture<List<FlowEntry>> flows(DatapathId dpid);

    /** Adds {@code rule}; completes with the flow mod the switch applied. */
    CompletableFuture<OfpFlowMod> add(DatapathId dpid, FlowRule rule);

    /** Deletes the entries {@code selector} selects; completes with the flow mod the switch applied. */
    CompletableFuture<OfpFlowMod> remove(DatapathId dpid, FlowSelector selector);

    void addListener(FlowListener listener);

    void removeListener(FlowListener listener);
}
