package dev.iovirt.vswitch.datapath;

/**
 * The first-level cache, as Open vSwitch's EMC: a fixed table mapping a packet's whole packed key
 * to the megaflow that covers it, so that a packet of an established connection costs one hash and
 * one key compare. Each key has two candidate slots (from two parts of its hash); a new entry
 * takes an empty or dead one, else the first. Entries pointing at dead megaflows are ignored.
 *
 * <p>Invariant: used by the datapath thread only.
 */
final class ExactMatchCache {
    /** Entries, as OVS's EM_FLOW_HASH_ENTRIES (1 << 13). */
    static final int ENTRIES = 1 << 13;
    private static final int MASK = ENTRIES - 1;

    private final long[] hashes = new long[ENTRIES];
    private final long[] keys = new long[ENTRIES * FlowWords.WORDS];
    private final Megaflow[] flows = new Megaflow[ENTRIES];
    /** Entries inserted since the last {@link #clear}: a clear of an empty cache (a burst of flow mods) costs nothing. */
    private int inserted;

    Megaflow lookup(long hash, long[] key, int off) {
        int i = (int) hash & MASK;
        Megaflow f = flows[i];
        if (f != null && hashes[i] == hash && f.alive && sameKey(i, key, off)) {
            return f;
        }
        i = (int) (hash >>> 32) & MASK;
        f = flows[i];
        if (f != null && hashes[i] == hash && f.alive && sameKey(i, key, off)) {
            return f;
        }
        return null;
    }

    void insert(long hash, long[] key, int off, Megaflow flow) {
        int a = (int) hash & MASK;
        int b = (int) (hash >>> 32) & MASK;
        int i = flows[a] == null || !flows[a].alive || hashes[a] == hash ? a
                : flows[b] == null || !flows[b].alive ? b : a;
        hashes[i] = hash;
        System.arraycopy(key, off, keys, i * FlowWords.WORDS, FlowWords.WORDS);
        flows[i] = flow;
        inserted++;
    }

    void clear() {
        if (inserted > 0) {
            java.util.Arrays.fill(flows, null);
            inserted = 0;
        }
    }

    private boolean sameKey(int slot, long[] key, int off) {
        int base = slot * FlowWords.WORDS;
        for (int w = 0; w < FlowWords.WORDS; w++) {
            if (keys[base + w] != key[off + w]) {
                return false;
            }
        }
        return true;
    }
}
