package dev.iovirt.controller.app;

import java.util.Arrays;

/**
 * MAC address → port, open addressing with linear probing over two primitive arrays: no boxing,
 * no allocation per lookup or update. Not thread-safe; the learning switch keeps one per switch and
 * touches it only on that switch's event loop.
 */
final class MacTable {
    /** Marks a key slot as used: a MAC is 48 bits, so bit 48 set never collides with a MAC. */
    private static final long USED = 1L << 48;
    private final int maxEntries;
    private long[] keys;
    private int[] ports;
    private int size;

    MacTable(int initialCapacity, int maxEntries) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
        keys = new long[cap];
        ports = new int[cap];
        this.maxEntries = maxEntries;
    }

    /** The port {@code mac} was last seen on, or -1. */
    int get(long mac) {
        long k = mac | USED;
        int mask = keys.length - 1;
        for (int i = hash(mac) & mask; ; i = (i + 1) & mask) {
            long cur = keys[i];
            if (cur == k) {
                return ports[i];
            }
            if (cur == 0) {
                return -1;
            }
        }
    }

    /** Learns (or moves) {@code mac} to {@code port}. */
    void put(long mac, int port) {
        long k = mac | USED;
        int mask = keys.length - 1;
        for (int i = hash(mac) & mask; ; i = (i + 1) & mask) {
            long cur = keys[i];
            if (cur == k) {
                ports[i] = port;
                return;
            }
            if (cur == 0) {
                if (size >= maxEntries) {
                    clear(); // a flood of source MACs: forget everything rather than grow without bound
                    put(mac, port);
                    return;
                }
                keys[i] = k;
                ports[i] = port;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
        }
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(keys, 0);
        size = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldPorts = ports;
        keys = new long[oldKeys.length * 2];
        ports = new int[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i] & ~USED, oldPorts[i]);
            }
        }
    }

    private static int hash(long mac) {
        long h = mac * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
