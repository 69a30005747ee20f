package dev.iovirt.vswitch.ofproto;

import dev.iovirt.vswitch.datapath.DpAction;
import dev.iovirt.vswitch.datapath.FlowMatch;
import dev.iovirt.vswitch.datapath.Megaflow;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pipeline did with one packet, in the shape of {@code ovs-appctl ofproto/trace}: the
 * tables visited, the entries matched, the actions applied, and the result — the datapath actions
 * and the megaflow that would be installed. Tests assert on it; the CLI and REST serve it.
 */
public final class Trace {
    private final String flow;
    private final List<String> steps = new ArrayList<>();
    private List<DpAction> datapathActions = List.of();
    private FlowMatch megaflow;
    private long[] finalKey;
    private int indent;

    Trace(String bridge, String flow) {
        this.flow = flow;
        steps.add("bridge(\"" + bridge + "\")");
        steps.add("-".repeat(bridge.length() + 10));
    }

    void table(int table, String what) {
        indent = 0;
        steps.add(String.format("%2d. %s", table, what));
        indent = 4;
    }

    void step(String what) {
        steps.add(" ".repeat(indent) + what);
    }

    void nest(int delta) {
        indent += delta;
    }

    void finish(List<DpAction> actions, FlowMatch mask, long[] key) {
        this.datapathActions = List.copyOf(actions);
        this.megaflow = mask;
        this.finalKey = key.clone();
    }

    /** A header field of the packet as the pipeline left it (OVS's "Final flow"). */
    public long finalField(dev.iovirt.vswitch.datapath.FlowWords.Field field) {
        return field.get(finalKey, 0);
    }

    /** The datapath actions, as {@code ovs-appctl ofproto/trace} prints them after "Datapath actions: ". */
    public String datapathActions() {
        return Megaflow.formatActions(datapathActions.toArray(new DpAction[0]));
    }

    public List<DpAction> actions() {
        return datapathActions;
    }

    /** The megaflow match the datapath would install. */
    public FlowMatch megaflow() {
        return megaflow;
    }

    /** The pipeline's steps, one line each. */
    public List<String> steps() {
        return List.copyOf(steps);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("Flow: ").append(flow).append("\n\n");
        for (String s : steps) {
            sb.append(s).append('\n');
        }
        sb.append("\nMegaflow: ").append(megaflow).append('\n');
        sb.append("Datapath actions: ").append(datapathActions()).append('\n');
        return sb.toString();
    }
}
