package dev.iovirt.nfv.lb;

/**
 * The load balancer's connection table: a client's 5-tuple (as it arrives, addressed to the VIP) to
 * the backend it was given, so that a connection stays on its backend when the Maglev table changes.
 *
 * <p>Open addressing with linear probing over parallel primitive arrays, at most half full, with
 * backward-shift deletion (Knuth, TAOCP Vol. 3, §6.4, Algorithm R), so lookups, inserts and
 * removals allocate nothing and no tombstones build up.
 *
 * <p>Key: {@code k1 = src << 32 | dst}, {@code k2 = srcPort << 24 | dstPort << 8 | protocol}.
 */
final class ConnectionTable {
    /** Set in {@link #flags} when the client sent FIN. */
    static final int FIN_FROM_CLIENT = 1;
    /** Set in {@link #flags} when the backend sent FIN. */
    static final int FIN_FROM_BACKEND = 2;

    private final int capacity;
    private final int mask;
    private final long[] k1;
    private final long[] k2;
    private final int[] backend;
    private final long[] lastSeen;
    private final byte[] flags;
    private final boolean[] used;
    private int size;

    ConnectionTable(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1; // ≥ 2 × capacity, a power of two
        mask = slots - 1;
        k1 = new long[slots];
        k2 = new long[slots];
        backend = new int[slots];
        lastSeen = new long[slots];
        flags = new byte[slots];
        used = new boolean[slots];
    }

    static long key1(int src, int dst) {
        return (long) src << 32 | dst & 0xFFFF_FFFFL;
    }

    static long key2(int srcPort, int dstPort, int protocol) {
        return (long) srcPort << 24 | (long) dstPort << 8 | protocol;
    }

    private int home(long a, long b) {
        long h = a * 0x9E37_79B9_7F4A_7C15L ^ b * 0xC2B2_AE3D_27D4_EB4FL;
        h ^= h >>> 29;
        return (int) h & mask;
    }

    /** The slot holding the key, or -1. */
    int find(long a, long b) {
        for (int i = home(a, b); used[i]; i = i + 1 & mask) {
            if (k1[i] == a && k2[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Adds a key that is not present; the new slot, or -1 when the table holds {@code capacity} entries. */
    int insert(long a, long b, int backendIndex, long now) {
        if (size >= capacity) {
            return -1;
        }
        int i = home(a, b);
        while (used[i]) {
            i = i + 1 & mask;
        }
        used[i] = true;
        k1[i] = a;
        k2[i] = b;
        backend[i] = backendIndex;
        lastSeen[i] = now;
        flags[i] = 0;
        size++;
        return i;
    }

    /** Empties slot {@code i}, shifting later entries of its cluster back (Algorithm R). */
    void remove(int i) {
        used[i] = false;
        size--;
        int hole = i;
        for (int j = i + 1 & mask; used[j]; j = j + 1 & mask) {
            int h = home(k1[j], k2[j]);
            // Move j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
            if (!stays) {
                used[hole] = true;
                k1[hole] = k1[j];
                k2[hole] = k2[j];
                backend[hole] = backend[j];
                lastSeen[hole] = lastSeen[j];
                flags[hole] = flags[j];
                used[j] = false;
                hole = j;
            }
        }
    }

    int slots() {
        return mask + 1;
    }

    boolean used(int i) {
        return used[i];
    }

    int backend(int i) {
        return backend[i];
    }

    void setBackend(int i, int b) {
        backend[i] = b;
    }

    long lastSeen(int i) {
        return lastSeen[i];
    }

    void touch(int i, long now) {
        lastSeen[i] = now;
    }

    int flags(int i) {
        return flags[i];
    }

    void addFlags(int i, int f) {
        flags[i] |= (byte) f;
    }

    int protocol(int i) {
        return (int) (k2[i] & 0xFF);
    }

    int size() {
        return size;
    }
}
