package dev.iovirt.vswitch.datapath;

/**
 * Counters of a datapath, by where each packet was resolved (as {@code ovs-appctl dpif-netdev/pmd-stats-show}).
 * Written by the datapath thread only.
 */
public final class DatapathStats {
    /** Packets that entered the datapath. */
    public long packets;
    /** Packets resolved by the exact-match cache. */
    public long emcHits;
    /** Packets resolved by the megaflow classifier after an EMC miss. */
    public long megaflowHits;
    /** Packets that went to the slow path (an upcall), which installed a megaflow. */
    public long misses;
    /** Megaflow subtables probed, over all classifier lookups (average = probes / lookups). */
    public long subtableProbes;
    /** Copies made into output batches (one per output action executed). */
    public long outputs;
    /** Frames dropped because their output port does not exist or refused them. */
    public long txDropped;
    /** Frames dropped because an action could not be applied (e.g. no headroom for a tag). */
    public long actionErrors;
    /** Times all megaflows were invalidated (flow, group or port changes). */
    public long invalidations;

    @Override
    public String toString() {
        return String.format("packets:%d emc hits:%d megaflow hits:%d misses:%d outputs:%d tx dropped:%d invalidations:%d",
                packets, emcHits, megaflowHits, misses, outputs, txDropped, invalidations);
    }
}
