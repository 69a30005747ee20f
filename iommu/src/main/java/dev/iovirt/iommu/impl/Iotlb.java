package dev.iovirt.iommu.impl;

/**
 * The IOTLB: cached leaf translations, tagged by domain id, for 4 KiB pages and 2 MiB / 1 GiB super
 * pages. VT-d §6.2.2. Direct-mapped, {@value #ENTRIES} entries of parallel primitive arrays, so a hit
 * allocates nothing. An entry stays usable until an invalidation removes it or a fill evicts it — as
 * on hardware, unmapping a page without invalidating leaves the old translation working.
 *
 * <p>Not thread-safe: its owner ({@link RemappingUnit}) holds its lock.
 */
public final class Iotlb {
    /** The number of entries (a power of two). */
    public static final int ENTRIES = 1024;
    private static final int MASK = ENTRIES - 1;
    /** Invariant: an entry is valid iff {@code shift[i] != 0}. */
    private final byte[] shift = new byte[ENTRIES];
    private final int[] did = new int[ENTRIES];
    private final long[] pageNumber = new long[ENTRIES];
    private final long[] hpaBase = new long[ENTRIES];
    private final byte[] permissions = new byte[ENTRIES];
    private boolean any2M;
    private boolean any1G;
    /** Set by a successful {@link #lookup}: the permission bits (R = 1, W = 2) of the entry found. */
    public int hitPermissions;

    private static int index(int domain, long page, int pageShift) {
        long h = (page * 0x9E37_79B9_7F4A_7C15L) ^ ((long) domain << 17) ^ pageShift;
        return (int) (h ^ (h >>> 29)) & MASK;
    }

    /**
     * Looks up {@code iova} in domain {@code domain}.
     *
     * @return the host-physical address, or -1 on a miss; on a hit {@link #hitPermissions} is set
     */
    public long lookup(int domain, long iova) {
        long hpa = probe(domain, iova, 12);
        if (hpa < 0 && any2M) {
            hpa = probe(domain, iova, 21);
        }
        if (hpa < 0 && any1G) {
            hpa = probe(domain, iova, 30);
        }
        return hpa;
    }

    private long probe(int domain, long iova, int pageShift) {
        long page = iova >>> pageShift;
        int i = index(domain, page, pageShift);
        if (shift[i] == pageShift && pageNumber[i] == page && did[i] == domain) {
            hitPermissions = permissions[i];
            return hpaBase[i] | (iova & ((1L << pageShift) - 1));
        }
        return -1;
    }

    /** Caches the translation of the page of size 2^{@code pageShift} containing {@code iova}. */
    public void fill(int domain, long iova, int pageShift, long pageHpa, int rw) {
        long page = iova >>> pageShift;
        int i = index(domain, page, pageShift);
        shift[i] = (byte) pageShift;
        did[i] = domain;
        pageNumber[i] = page;
        hpaBase[i] = pageHpa & ~((1L << pageShift) - 1);
        permissions[i] = (byte) rw;
        any2M |= pageShift == 21;
        any1G |= pageShift == 30;
    }

    /** Global invalidation. */
    public void invalidateAll() {
        java.util.Arrays.fill(shift, (byte) 0);
        any2M = false;
        any1G = false;
    }

    /** Domain-selective invalidation. */
    public void invalidateDomain(int domain) {
        for (int i = 0; i < ENTRIES; i++) {
            if (did[i] == domain) {
                shift[i] = 0;
            }
        }
    }

    /** Page-selective-within-domain invalidation: every entry of {@code domain} overlapping [start, start + length). */
    public void invalidateRange(int domain, long start, long length) {
        for (int i = 0; i < ENTRIES; i++) {
            if (shift[i] != 0 && did[i] == domain) {
                long base = pageNumber[i] << shift[i];
                if (base < start + length && start < base + (1L << shift[i])) {
                    shift[i] = 0;
                }
            }
        }
    }

    /** Valid entries (for tests and statistics). */
    public int size() {
        int n = 0;
        for (byte s : shift) {
            n += s != 0 ? 1 : 0;
        }
        return n;
    }
}
