package dev.iovirt.nfv.router;

import java.util.Arrays;

/**
 * Longest-prefix match over IPv4 addresses: a binary trie (one level per address bit) in parallel
 * int arrays, so a lookup walks at most 32 nodes and allocates nothing. Path compression (a
 * Patricia trie) would shorten the walk for sparse tables; routers in a topology file hold tens of
 * routes, where the plain trie's 32 array reads are a few nanoseconds.
 */
final class PrefixTrie {
    private static final int NONE = -1;

    private int[] zero = new int[64];
    private int[] one = new int[64];
    private int[] value = new int[64];
    private int nodes = 1;

    PrefixTrie() {
        Arrays.fill(value, NONE);
    }

    /** Maps {@code prefix/length} to {@code v} (≥ 0), replacing what was there. */
    void put(int prefix, int length, int v) {
        int node = 0;
        for (int bit = 0; bit < length; bit++) {
            boolean set = (prefix << bit) < 0;
            int next = set ? one[node] : zero[node];
            if (next == 0) {
                next = newNode();
                if (set) {
                    one[node] = next;
                } else {
                    zero[node] = next;
                }
            }
            node = next;
        }
        value[node] = v;
    }

    /** The value of the longest prefix containing {@code address}, or -1. */
    int lookup(int address) {
        int node = 0;
        int best = value[0];
        for (int bit = 0; bit < 32; bit++) {
            node = (address << bit) < 0 ? one[node] : zero[node];
            if (node == 0) {
                break;
            }
            if (value[node] != NONE) {
                best = value[node];
            }
        }
        return best;
    }

    private int newNode() {
        if (nodes == value.length) {
            int size = nodes * 2;
            zero = Arrays.copyOf(zero, size);
            one = Arrays.copyOf(one, size);
            value = Arrays.copyOf(value, size);
            Arrays.fill(value, nodes, size, NONE);
        }
        return nodes++;
    }
}
