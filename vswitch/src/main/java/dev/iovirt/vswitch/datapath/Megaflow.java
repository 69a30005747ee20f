package dev.iovirt.vswitch.datapath;

import java.util.List;

/**
 * A datapath flow: a masked match (the megaflow) and the actions the slow path chose for every
 * packet it covers, with its counters. A megaflow stays valid until the slow path's state changes
 * (a flow-mod, a group or port change), when the datapath marks it dead; the exact-match cache
 * never returns a dead megaflow.
 */
public final class Megaflow {
    private final FlowMatch match;
    private final DpAction[] actions;
    volatile boolean alive = true;
    long packets;
    long bytes;
    long usedNanos;
    /** What the slow path attached (its translation cache: the flow entries and groups this megaflow stands for). */
    private final Object owner;
    /** Packets and bytes already credited to the owner by {@link #takeNewPackets}/{@link #takeNewBytes}. */
    private long creditedPackets;
    private long creditedBytes;

    public Megaflow(FlowMatch match, List<DpAction> actions) {
        this(match, actions, null);
    }

    public Megaflow(FlowMatch match, List<DpAction> actions, Object owner) {
        this(match, actions.toArray(new DpAction[0]), owner);
    }

    /** A megaflow sharing {@code actions} (not copied: the datapath interns identical action arrays). */
    Megaflow(FlowMatch match, DpAction[] actions, Object owner) {
        this.match = match;
        this.actions = actions;
        this.owner = owner;
    }

    /** What the slow path attached when it created this megaflow, or null. */
    public Object owner() {
        return owner;
    }

    /** When a packet last hit this megaflow, in the datapath clock's nanoseconds. */
    public long usedNanos() {
        return usedNanos;
    }

    /** Packets since the last call (for crediting OpenFlow counters, as OVS's revalidators push stats). */
    public long takeNewPackets() {
        long d = packets - creditedPackets;
        creditedPackets = packets;
        return d;
    }

    /** Bytes since the last call. */
    public long takeNewBytes() {
        long d = bytes - creditedBytes;
        creditedBytes = bytes;
        return d;
    }

    public FlowMatch match() {
        return match;
    }

    /** The actions; do not modify the array. */
    DpAction[] actionArray() {
        return actions;
    }

    public List<DpAction> actions() {
        return List.of(actions);
    }

    public boolean isAlive() {
        return alive;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    /** The actions in Open vSwitch's datapath notation: {@code 2,push_vlan(vid=10,pcp=0),3} or {@code drop}. */
    public static String formatActions(DpAction[] actions) {
        if (actions.length == 0) {
            return "drop";
        }
        StringBuilder sb = new StringBuilder();
        for (DpAction a : actions) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(a);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return match + ", packets:" + packets + ", bytes:" + bytes + ", actions:" + formatActions(actions);
    }
}
