package dev.iovirt.vmm.cpu;

import java.util.HashMap;
import java.util.Map;

/**
 * The VMCS data of every VMCS region of one host, keyed by the region's host-physical address, so that
 * a VMCS cleared on one processor can be loaded on another (SDM Vol. 3C §25.11.1).
 */
public final class VmcsStore {
    private final Map<Long, Vmcs> regions = new HashMap<>();

    /** Forgets the VMCS data of a region whose memory is being returned to the pool (after VMCLEAR). */
    public synchronized void release(long region) {
        regions.remove(region);
    }

    synchronized Vmcs get(long region) {
        return regions.computeIfAbsent(region, Vmcs::new);
    }
}
