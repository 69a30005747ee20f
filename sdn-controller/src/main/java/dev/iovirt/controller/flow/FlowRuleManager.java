package dev.iovirt.controller.flow;

import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpFlowMod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The owner of the flow subsystem: validates descriptions into flow mods ({@link FlowRules}),
 * sends them through the provider, and tells listeners what the switches confirmed.
 *
 * <pre>
 * REST POST ─▶ FlowRuleManager.add ─FlowRules─▶ OfpFlowMod ─▶ provider ─FLOW_MOD+BARRIER─▶ switch
 *                         ◀── barrier reply (or OFPT_ERROR) ──┘        └─▶ FlowEvent ─▶ listeners (SSE)
 * </pre>
 */
public final class FlowRuleManager implements FlowRuleService {
    private static final Logger LOG = Logger.getLogger(FlowRuleManager.class.getName());

    private final DeviceService devices;
    private final List<FlowListener> listeners = new CopyOnWriteArrayList<>();
    private volatile FlowRuleProvider provider;

    public FlowRuleManager(DeviceService devices) {
        this.devices = devices;
    }

    public void setProvider(FlowRuleProvider provider) {
        this.provider = provider;
    }

    @Override
    public CompletableFuture<List<FlowEntry>> flows(DatapathId dpid) {
        requireDevice(dpid);
        return provider.flowStats(dpid).thenApply(stats -> stats.stream().map(FlowRules::fromStats).toList());
    }

    @Override
    public CompletableFuture<OfpFlowMod> add(DatapathId dpid, FlowRule rule) {
        int nTables = requireDevice(dpid);
        OfpFlowMod check = FlowRules.toFlowMod(rule, 0); // refuses a bad description before anything is sent
        if (rule.table() >= nTables) {
            throw new FlowRuleException("table", "switch " + dpid + " has tables 0.." + (nTables - 1) + ", not " + rule.table());
        }
        return provider.apply(dpid, xid -> FlowRules.toFlowMod(rule, xid))
                .thenApply(applied -> {
                    post(new FlowEvent(FlowEvent.Type.RULE_ADDED, dpid, check.toFlowString()));
                    return applied;
                });
    }

    @Override
    public CompletableFuture<OfpFlowMod> remove(DatapathId dpid, FlowSelector selector) {
        requireDevice(dpid);
        OfpFlowMod check = FlowRules.toDelete(selector, 0);
        return provider.apply(dpid, xid -> FlowRules.toDelete(selector, xid))
                .thenApply(applied -> {
                    post(new FlowEvent(FlowEvent.Type.RULE_REMOVED, dpid, check.toFlowString()));
                    return applied;
                });
    }

    /** A switch reported an entry gone on its own (OFPT_FLOW_REMOVED). */
    public void flowExpired(DatapathId dpid, String flow) {
        post(new FlowEvent(FlowEvent.Type.RULE_EXPIRED, dpid, flow));
    }

    private int requireDevice(DatapathId dpid) {
        return devices.device(dpid).orElseThrow(() -> new UnknownDeviceException(dpid)).nTables();
    }

    private void post(FlowEvent e) {
        for (FlowListener l : listeners) {
            try {
                l.event(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "flow listener failed on " + e.type(), ex);
            }
        }
    }

    @Override
    public void addListener(FlowListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(FlowListener listener) {
        listeners.remove(listener);
    }
}
