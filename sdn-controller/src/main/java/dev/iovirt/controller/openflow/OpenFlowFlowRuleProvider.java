package dev.iovirt.controller.openflow;

import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.controller.flow.FlowRuleManager;
import dev.iovirt.controller.flow.FlowRuleProvider;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowStats;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.Port;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/** The flow rule provider over OpenFlow: FLOW_MOD + BARRIER, OFPMP_FLOW, and FLOW_REMOVED upward. */
public final class OpenFlowFlowRuleProvider implements FlowRuleProvider, SwitchListener {
    private final OpenFlowController controller;
    private final FlowRuleManager manager;

    public OpenFlowFlowRuleProvider(OpenFlowController controller, FlowRuleManager manager) {
        this.controller = controller;
        this.manager = manager;
        controller.addSwitchListener(this);
    }

    @Override
    public CompletableFuture<OfpFlowMod> apply(DatapathId dpid, IntFunction<OfpFlowMod> build) {
        OpenFlowSwitch sw = controller.getSwitch(dpid).orElse(null);
        if (sw == null) {
            return CompletableFuture.failedFuture(new UnknownDeviceException(dpid));
        }
        AtomicReference<OfpFlowMod> sent = new AtomicReference<>();
        return sw.sendWithBarrier(xid -> {
            OfpFlowMod m = build.apply(xid);
            sent.set(m);
            return m;
        }).thenApply(v -> sent.get());
    }

    @Override
    public CompletableFuture<List<FlowStats>> flowStats(DatapathId dpid) {
        return controller.getSwitch(dpid)
                .map(sw -> sw.multipart(MpRequest.Flow.all()).thenApply(b -> ((MpReply.Flows) b).entries()))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }

    @Override
    public void flowRemoved(OpenFlowSwitch sw, OfpFlowRemoved removed) {
        manager.flowExpired(sw.dpid(), "table=" + removed.tableId() + ",priority=" + removed.priority()
                + (removed.match().isEmpty() ? "" : "," + removed.match()));
    }

    @Override
    public void switchConnected(OpenFlowSwitch sw, List<Port> ports) {
    }

    @Override
    public void portStatus(OpenFlowSwitch sw, OfpPortStatus status) {
    }

    @Override
    public void switchDisconnected(OpenFlowSwitch sw) {
    }
}
