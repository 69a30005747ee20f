package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.Instruction;
import dev.iovirt.openflow.Match;
import dev.iovirt.vswitch.datapath.Classifier;
import dev.iovirt.vswitch.datapath.FlowMatch;
import java.util.List;

/**
 * One OpenFlow flow entry (OF 1.3.5 §5.2): match, priority, instructions, cookie, timeouts, flags
 * and counters. The counters are credited from the megaflows that stand for it (see
 * {@link Bridge#pushStats()}), as Open vSwitch credits OpenFlow flows from datapath flows.
 */
public final class FlowEntry {
    final int tableId;
    final Match match;
    final FlowMatch flowMatch;
    final int priority;
    long cookie;
    int idleTimeout;
    int hardTimeout;
    int flags;
    List<Instruction> instructions;
    long packets;
    long bytes;
    long createdNanos;
    long lastUsedNanos;
    Classifier.Rule<FlowEntry> rule;

    FlowEntry(int tableId, Match match, FlowMatch flowMatch, int priority) {
        this.tableId = tableId;
        this.match = match;
        this.flowMatch = flowMatch;
        this.priority = priority;
    }

    public int tableId() {
        return tableId;
    }

    public Match match() {
        return match;
    }

    public int priority() {
        return priority;
    }

    public long cookie() {
        return cookie;
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    /** The instructions in ovs-ofctl's notation: {@code actions=output:2} or {@code actions=set_field:...,goto_table:1}. */
    String actionsText() {
        if (instructions.isEmpty()) {
            return "actions=drop";
        }
        StringBuilder sb = new StringBuilder("actions=");
        for (int i = 0; i < instructions.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(instructions.get(i));
        }
        return sb.toString();
    }

    /** As {@code ovs-ofctl dump-flows} prints an entry (without durations). */
    @Override
    public String toString() {
        String m = match.toString();
        return "cookie=0x" + Long.toHexString(cookie) + ", table=" + tableId + ", n_packets=" + packets + ", n_bytes=" + bytes
                + ", priority=" + priority + (m.isEmpty() || m.equals("any") ? "" : "," + m) + " " + actionsText();
    }

    /** Whether an idle or hard timeout can remove it (§5.5). */
    boolean hasTimeout() {
        return idleTimeout > 0 || hardTimeout > 0;
    }
}
