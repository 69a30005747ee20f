package dev.iovirt.iommu.impl;

/**
 * Paging-structure caches: the non-leaf second-level entries (SL-PML4E, SL-PDPE, SL-PDE) a walk used,
 * tagged by domain id, so that a later walk for a nearby IOVA starts at the deepest cached table. VT-d
 * §6.2.4. A level-L entry (L = 4, 3, 2) covers the IOVA bits above 12 + 9 × (L - 1) and yields the
 * address of the level-(L - 1) table and the AND of the permissions above it. Direct-mapped, 64
 * entries per level.
 *
 * <p>Not thread-safe: its owner holds the lock.
 */
public final class PagingStructureCache {
    private static final int ENTRIES = 64;
    private static final int MASK = ENTRIES - 1;
    // Indexed [level][slot]; levels 2..4 used.
    private final boolean[][] valid = new boolean[5][ENTRIES];
    private final int[][] did = new int[5][ENTRIES];
    private final long[][] tag = new long[5][ENTRIES];
    private final long[][] nextTable = new long[5][ENTRIES];
    private final byte[][] permissions = new byte[5][ENTRIES];
    /** Set by a successful {@link #lookup}: the permission AND of the entries down to and including the cached one. */
    public int hitPermissions;

    private static int shift(int level) {
        return 12 + 9 * (level - 1);
    }

    private static int index(int domain, long tag) {
        long h = tag * 0x9E37_79B9_7F4A_7C15L ^ domain;
        return (int) (h ^ (h >>> 32)) & MASK;
    }

    /** The next-level table for the level-{@code level} entry on the path of {@code iova}, or -1. */
    public long lookup(int domain, long iova, int level) {
        long t = iova >>> shift(level);
        int i = index(domain, t);
        if (valid[level][i] && tag[level][i] == t && did[level][i] == domain) {
            hitPermissions = permissions[level][i];
            return nextTable[level][i];
        }
        return -1;
    }

    public void fill(int domain, long iova, int level, long table, int rw) {
        long t = iova >>> shift(level);
        int i = index(domain, t);
        valid[level][i] = true;
        tag[level][i] = t;
        did[level][i] = domain;
        nextTable[level][i] = table;
        permissions[level][i] = (byte) rw;
    }

    public void invalidateAll() {
        for (boolean[] v : valid) {
            java.util.Arrays.fill(v, false);
        }
    }

    public void invalidateDomain(int domain) {
        for (int l = 2; l <= 4; l++) {
            for (int i = 0; i < ENTRIES; i++) {
                if (did[l][i] == domain) {
                    valid[l][i] = false;
                }
            }
        }
    }

    /** Drops the entries of {@code domain} whose IOVA range overlaps [start, start + length). */
    public void invalidateRange(int domain, long start, long length) {
        for (int l = 2; l <= 4; l++) {
            int s = shift(l);
            for (int i = 0; i < ENTRIES; i++) {
                if (valid[l][i] && did[l][i] == domain) {
                    long base = tag[l][i] << s;
                    long end = s >= 63 ? Long.MAX_VALUE : base + (1L << s);
                    if (base < start + length && start < end) {
                        valid[l][i] = false;
                    }
                }
            }
        }
    }
}
