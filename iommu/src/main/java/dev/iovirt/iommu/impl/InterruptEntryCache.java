package dev.iovirt.iommu.impl;

/**
 * The interrupt entry cache: IRTEs by interrupt index, the cache that
 * VT-d §6.5.2.7 invalidates. Direct-mapped, 256 entries; a changed IRTE is used only after an interrupt
 * entry cache invalidation (global or index-selective), as on hardware.
 *
 * <p>Not thread-safe: its owner holds the lock.
 */
public final class InterruptEntryCache {
    private static final int ENTRIES = 256;
    private final boolean[] valid = new boolean[ENTRIES];
    private final int[] index = new int[ENTRIES];
    private final long[] low = new long[ENTRIES];
    private final long[] high = new long[ENTRIES];
    /** Set by a successful {@link #lookup}: the high qword. */
    public long hitHigh;

    /** The low qword of the cached IRTE {@code irteIndex} (high in {@link #hitHigh}), or 0 on a miss. */
    public long lookup(int irteIndex) {
        int i = irteIndex & (ENTRIES - 1);
        if (valid[i] && index[i] == irteIndex) {
            hitHigh = high[i];
            return low[i];
        }
        return 0;
    }

    public void fill(int irteIndex, long lo, long hi) {
        int i = irteIndex & (ENTRIES - 1);
        valid[i] = true;
        index[i] = irteIndex;
        low[i] = lo;
        high[i] = hi;
    }

    public void invalidateAll() {
        java.util.Arrays.fill(valid, false);
    }

    /** Index-selective: the 2^{@code mask} entries starting at {@code first} (aligned down to that size). VT-d §6.5.2.7. */
    public void invalidate(int first, int mask) {
        int base = first & ~((1 << mask) - 1);
        int end = base + (1 << mask);
        for (int i = 0; i < ENTRIES; i++) {
            if (valid[i] && index[i] >= base && index[i] < end) {
                valid[i] = false;
            }
        }
    }
}
