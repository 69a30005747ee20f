package dev.iovirt.nfv.router;

/**
 * Resolved neighbours: IPv4 address to MAC with an expiry time, open addressing over primitive
 * arrays (lookups allocate nothing). Entries are never removed, only refreshed or replaced: when the
 * {@value #PROBE_LIMIT} slots from a new address's home are all taken by others, the one expiring
 * first is replaced. Permanent entries (static neighbours, {@code ip neigh add ... nud permanent})
 * never expire, are never replaced, and ARP traffic does not change them.
 */
final class ArpCache {
    private static final int PROBE_LIMIT = 16;

    private final int mask;
    private final int[] ip;
    private final long[] mac;
    private final long[] expires;
    private final boolean[] used;
    private final boolean[] permanent;

    ArpCache(int slots) {
        int size = Integer.highestOneBit(Math.max(16, slots) - 1) << 1;
        mask = size - 1;
        ip = new int[size];
        mac = new long[size];
        expires = new long[size];
        used = new boolean[size];
        permanent = new boolean[size];
    }

    private int home(int a) {
        return (a * 0x9E37_79B9) >>> 7 & mask;
    }

    /** The MAC of {@code a} if it is known and not expired at {@code now}, else -1. */
    long lookup(int a, long now) {
        for (int i = home(a), n = 0; n < PROBE_LIMIT && used[i]; i = i + 1 & mask, n++) {
            if (ip[i] == a) {
                return now - expires[i] < 0 ? mac[i] : -1;
            }
        }
        return -1;
    }

    /** Whether {@code a} has an entry (expired or not): RFC 826's merge step updates only known senders. */
    boolean contains(int a) {
        for (int i = home(a), n = 0; n < PROBE_LIMIT; i = i + 1 & mask, n++) {
            if (used[i] && ip[i] == a) {
                return true;
            }
        }
        return false;
    }

    void put(int a, long m, long expiresAt) {
        int victim = -1;
        for (int i = home(a), n = 0; n < PROBE_LIMIT; i = i + 1 & mask, n++) {
            if (used[i] && ip[i] == a && permanent[i]) {
                return;
            }
            if (used[i] && ip[i] == a || !used[i]) {
                victim = i;
                break;
            }
            if (!permanent[i] && (victim < 0 || expires[i] - expires[victim] < 0)) {
                victim = i;
            }
        }
        if (victim < 0) { // every slot near a's home is permanent: a learnt neighbour is not kept
            return;
        }
        used[victim] = true;
        ip[victim] = a;
        mac[victim] = m;
        expires[victim] = expiresAt;
    }

    /**
     * Adds a permanent entry.
     *
     * @throws IllegalStateException if every slot near {@code a}'s home is permanent already
     */
    void putPermanent(int a, long m) {
        for (int i = home(a), n = 0; n < PROBE_LIMIT; i = i + 1 & mask, n++) {
            if (!used[i] || ip[i] == a || !permanent[i]) {
                used[i] = true;
                permanent[i] = true;
                ip[i] = a;
                mac[i] = m;
                expires[i] = Long.MAX_VALUE;
                return;
            }
        }
        throw new IllegalStateException("too many permanent neighbours");
    }
}
