package dev.iovirt.nfv.nat;

import java.util.Arrays;

/**
 * A fixed-capacity map from an int (an IPv4 address) to a long, open addressing with linear
 * probing, no removal: the NAT's small tables of inside neighbours and pending ARP requests, written
 * on the slow path and read without allocating. When full, new keys are refused (and the caller
 * counts it); existing keys are still updated.
 */
final class IntLongTable {
    static final long MISSING = Long.MIN_VALUE;
    private final int[] keys;
    private final long[] values;
    private final boolean[] used;
    private final int mask;
    private int size;

    IntLongTable(int capacity) {
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        keys = new int[slots];
        values = new long[slots];
        used = new boolean[slots];
        mask = slots - 1;
        Arrays.fill(values, MISSING);
    }

    private int slot(int key) {
        int h = key * 0x9E37_79B9;
        for (int i = (h ^ h >>> 16) & mask; ; i = (i + 1) & mask) {
            if (!used[i] || keys[i] == key) {
                return i;
            }
        }
    }

    long get(int key) {
        int i = slot(key);
        return used[i] ? values[i] : MISSING;
    }

    /** Sets {@code key}; returns false if it is new and the table is full (half its slots). */
    boolean put(int key, long value) {
        int i = slot(key);
        if (!used[i]) {
            if (size * 2 >= keys.length) {
                return false;
            }
            used[i] = true;
            keys[i] = key;
            size++;
        }
        values[i] = value;
        return true;
    }

    int size() {
        return size;
    }
}
