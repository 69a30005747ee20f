package dev.iovirt.controller.acl;

import dev.iovirt.controller.device.Device;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.flow.FlowRule;
import dev.iovirt.controller.flow.FlowRuleException;
import dev.iovirt.controller.flow.FlowRuleService;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.controller.flow.FlowSelector;
import dev.iovirt.openflow.DatapathId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The owner of the ACL: keeps the rules, turns each into a flow entry of table 0 (see the package
 * doc for the pipeline) and installs it through the {@link FlowRuleService} on every switch, now
 * and on {@code DEVICE_ADDED}.
 */
public final class AclManager implements AclService, DeviceListener {
    private static final Logger LOG = Logger.getLogger(AclManager.class.getName());
    /** The table the ACL's entries live in. */
    public static final int ACL_TABLE = 0;
    /** The table forwarding (the learning switch) uses when the ACL runs. */
    public static final int FORWARDING_TABLE = 1;
    /** An ACL rule of priority p becomes an entry of priority {@code BASE_PRIORITY + p}, above the learning switch's. */
    public static final int BASE_PRIORITY = 1000;
    /** The highest rule priority: its entry stays below LLDP's 65535. */
    public static final int MAX_PRIORITY = 64000;
    /** The cookie of ACL entries: this, or'ed with the rule id. */
    public static final long COOKIE = 0xAC10_0000_0000_0000L;

    private final DeviceService devices;
    private final FlowRuleService flows;
    private final boolean running;
    private final Map<Long, AclRule> rules = new ConcurrentSkipListMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    /** {@code running}: whether the ACL app runs (with it off, rules are refused). */
    public AclManager(DeviceService devices, FlowRuleService flows, boolean running) {
        this.devices = devices;
        this.flows = flows;
        this.running = running;
    }

    @Override
    public List<AclRule> rules() {
        return List.copyOf(rules.values());
    }

    @Override
    public Optional<AclRule> rule(long id) {
        return Optional.ofNullable(rules.get(id));
    }

    @Override
    public CompletableFuture<AclRule> add(AclRule rule) {
        toFlowRule(rule.withId(0)); // refuses a bad rule, naming the field, before anything is sent
        if (!running) {
            throw new AclNotRunningException();
        }
        AclRule withId = implied(rule).withId(nextId.getAndIncrement());
        FlowRule flow = toFlowRule(withId);
        List<DatapathId> targets = devices.devices().stream().map(Device::id).toList();
        List<CompletableFuture<DatapathId>> installs = new ArrayList<>();
        for (DatapathId dpid : targets) {
            installs.add(flows.add(dpid, flow).thenApply(fm -> dpid));
        }
        return CompletableFuture.allOf(installs.toArray(CompletableFuture[]::new)).handle((v, failure) -> {
            if (failure == null) {
                rules.put(withId.id(), withId);
                return CompletableFuture.completedFuture(withId);
            }
            // Nothing half-applied: take the rule back from the switches that accepted it.
            List<CompletableFuture<?>> undo = new ArrayList<>();
            for (CompletableFuture<DatapathId> f : installs) {
                if (!f.isCompletedExceptionally()) {
                    undo.add(flows.remove(f.join(), selector(withId)).exceptionally(e -> null));
                }
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return CompletableFuture.allOf(undo.toArray(CompletableFuture[]::new))
                    .<AclRule>thenCompose(x -> CompletableFuture.failedFuture(cause));
        }).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<Void> remove(long id) {
        AclRule rule = rules.get(id);
        if (rule == null) {
            return CompletableFuture.failedFuture(new UnknownAclRuleException(id));
        }
        List<CompletableFuture<?>> removals = new ArrayList<>();
        for (Device d : devices.devices()) {
            removals.add(flows.remove(d.id(), selector(rule)));
        }
        return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).thenRun(() -> rules.remove(id));
    }

    @Override
    public void event(DeviceEvent e) {
        if (running && e.type() == DeviceEvent.Type.DEVICE_ADDED) {
            DatapathId dpid = e.device().id();
            flows.add(dpid, passToForwarding()).whenComplete(this::logFailure);
            for (AclRule r : rules.values()) {
                flows.add(dpid, toFlowRule(r)).whenComplete(this::logFailure);
            }
        }
    }

    private void logFailure(Object ignored, Throwable failure) {
        if (failure != null) {
            LOG.log(Level.WARNING, "ACL entry not installed on a connecting switch", failure);
        }
    }

    /** Table 0's lowest entry: whatever no rule decided goes on to forwarding. */
    public static FlowRule passToForwarding() {
        return new FlowRule(ACL_TABLE, 0, COOKIE, 0, 0, Map.of(), List.of(FlowAction.gotoTable(FORWARDING_TABLE)));
    }

    /** The flow entry of {@code rule}; refusals name the rule's field. */
    public static FlowRule toFlowRule(AclRule rule) {
        if (rule.priority() < 0 || rule.priority() > MAX_PRIORITY) {
            throw new FlowRuleException("priority", "priority must be in 0.." + MAX_PRIORITY + ", not " + rule.priority());
        }
        List<FlowAction> actions = switch (rule.action() == null ? "" : rule.action()) {
            case "deny" -> List.of();
            case "allow" -> List.of(FlowAction.gotoTable(FORWARDING_TABLE));
            default -> throw new FlowRuleException("action", "action must be allow or deny, not " + rule.action());
        };
        Map<String, String> match = new LinkedHashMap<>();
        boolean ip = rule.ipv4Src() != null || rule.ipv4Dst() != null || rule.ipProto() != null;
        if (rule.ethType() != null) {
            match.put("dl_type", "0x" + Integer.toHexString(rule.ethType()));
        } else if (ip) {
            match.put("dl_type", "0x0800");
        }
        put(match, "nw_src", rule.ipv4Src());
        put(match, "nw_dst", rule.ipv4Dst());
        put(match, "nw_proto", rule.ipProto());
        put(match, "tp_src", rule.tpSrc());
        put(match, "tp_dst", rule.tpDst());
        FlowRule flow = new FlowRule(ACL_TABLE, BASE_PRIORITY + rule.priority(), COOKIE | rule.id(), 0, 0, match, actions);
        try {
            FlowRules.toFlowMod(flow, 0);
        } catch (FlowRuleException e) {
            throw new FlowRuleException(fieldOf(e.field()), e.getMessage().replace("match.nw_src", "ipv4_src")
                    .replace("match.nw_dst", "ipv4_dst").replace("nw_proto", "ip_proto"));
        }
        return flow;
    }

    /** The rule with the EtherType its IPv4 fields imply written out. */
    private static AclRule implied(AclRule r) {
        boolean ip = r.ipv4Src() != null || r.ipv4Dst() != null || r.ipProto() != null;
        return r.ethType() != null || !ip ? r
                : new AclRule(r.id(), r.priority(), 0x0800, r.ipv4Src(), r.ipv4Dst(), r.ipProto(), r.tpSrc(), r.tpDst(), r.action());
    }

    private static void put(Map<String, String> match, String name, Object value) {
        if (value != null) {
            match.put(name, value.toString());
        }
    }

    /** The rule's name for a flow field. */
    private static String fieldOf(String flowField) {
        if (flowField == null) {
            return null;
        }
        return switch (flowField) {
            case "match.dl_type" -> "eth_type";
            case "match.nw_src" -> "ipv4_src";
            case "match.nw_dst" -> "ipv4_dst";
            case "match.nw_proto" -> "ip_proto";
            case "match.tp_src" -> "tp_src";
            case "match.tp_dst" -> "tp_dst";
            case "match" -> "eth_type";
            default -> flowField;
        };
    }

    private static FlowSelector selector(AclRule rule) {
        FlowRule f = toFlowRule(rule);
        return new FlowSelector(f.table(), f.priority(), null, f.match(), true);
    }
}
