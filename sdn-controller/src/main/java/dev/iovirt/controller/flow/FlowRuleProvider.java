package dev.iovirt.controller.flow;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowStats;
import dev.iovirt.openflow.OfpFlowMod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** What a southbound protocol offers the {@link FlowRuleManager}. */
public interface FlowRuleProvider {
    /** Sends the flow mod {@code build} makes with a fresh xid, confirmed by a barrier. */
    CompletableFuture<OfpFlowMod> apply(DatapathId dpid, IntFunction<OfpFlowMod> build);

    CompletableFuture<List<FlowStats>> flowStats(DatapathId dpid);
}
