package dev.iovirt.iommu.impl;

/**
 * The context cache: present, valid context entries by source-id, so that a request does not read
 * the root and context tables each time. VT-d §6.2.1. Direct-mapped, 256 entries. Only present
 * entries are cached (CAP.CM = 0), so a device whose context entry becomes present needs no
 * invalidation, while one whose entry changes or is cleared does.
 *
 * <p>Not thread-safe: its owner holds the lock.
 */
public final class ContextCache {
    private static final int ENTRIES = 256;
    private final boolean[] valid = new boolean[ENTRIES];
    private final int[] sid = new int[ENTRIES];
    private final long[] low = new long[ENTRIES];
    private final long[] high = new long[ENTRIES];
    /** Set by a successful {@link #lookup}: the high qword of the entry found. */
    public long hitHigh;

    private static int index(int sourceId) {
        return (sourceId ^ (sourceId >>> 8) * 31) & (ENTRIES - 1);
    }

    /** The low qword of the cached entry for {@code sourceId} (its high qword in {@link #hitHigh}), or 0 on a miss. */
    public long lookup(int sourceId) {
        int i = index(sourceId);
        if (valid[i] && sid[i] == sourceId) {
            hitHigh = high[i];
            return low[i];
        }
        return 0;
    }

    public void fill(int sourceId, long lo, long hi) {
        int i = index(sourceId);
        valid[i] = true;
        sid[i] = sourceId;
        low[i] = lo;
        high[i] = hi;
    }

    public void invalidateAll() {
        java.util.Arrays.fill(valid, false);
    }

    public void invalidateDomain(int domain) {
        for (int i = 0; i < ENTRIES; i++) {
            if (valid[i] && dev.iovirt.iommu.vtd.ContextEntry.domainId(high[i]) == domain) {
                valid[i] = false;
            }
        }
    }

    /** Device-selective: the entries whose source-id equals {@code sourceId} with function bits masked by {@code fm} (0 none, 1 bit 2, 2 bits 2:1, 3 bits 2:0). VT-d §10.4.7. */
    public void invalidateDevice(int sourceId, int fm) {
        int ignore = switch (fm & 3) {
            case 0 -> 0;
            case 1 -> 0b100;
            case 2 -> 0b110;
            default -> 0b111;
        };
        for (int i = 0; i < ENTRIES; i++) {
            if (valid[i] && (sid[i] & ~ignore) == (sourceId & ~ignore)) {
                valid[i] = false;
            }
        }
    }
}
