package dev.iovirt.nfv.nat;

/**
 * The free external ports of one protocol in {@code [first, last]}: a bit per port and a rotating
 * cursor, so that a port just released is not handed out again at once (RFC 6056 §3 recommends
 * against predictable reuse; this is its simplest sequential form, algorithm 5's spirit without the
 * random increment).
 */
final class PortAllocator {
    private final int first;
    private final int count;
    private final long[] used;
    private int cursor;
    private int inUse;

    PortAllocator(int first, int last) {
        this.first = first;
        this.count = last - first + 1;
        this.used = new long[(count + 63) >>> 6];
    }

    /** A free port, now taken, or -1 if every port is in use. Scans a 64-port word at a time from the cursor. */
    int allocate() {
        if (inUse == count) {
            return -1;
        }
        int i = cursor;
        for (int scanned = 0; scanned < count + 64; ) {
            int w = i >>> 6;
            long free = ~used[w] & (-1L << (i & 63)); // the free ports at or after i in this word
            if (w == used.length - 1 && (count & 63) != 0) {
                free &= (1L << (count & 63)) - 1; // no ports beyond the range
            }
            if (free != 0) {
                int b = (w << 6) + Long.numberOfTrailingZeros(free);
                used[w] |= 1L << b;
                inUse++;
                cursor = b + 1 == count ? 0 : b + 1;
                return first + b;
            }
            scanned += 64 - (i & 63);
            i = (w + 1) << 6;
            if (i >= count) {
                i = 0;
            }
        }
        return -1;
    }

    /** Marks {@code port} taken if it is in the range (a port forward's external port). */
    void reserve(int port) {
        int i = port - first;
        if (i >= 0 && i < count && (used[i >>> 6] & 1L << i) == 0) {
            used[i >>> 6] |= 1L << i;
            inUse++;
        }
    }

    void release(int port) {
        int i = port - first;
        if (i >= 0 && i < count && (used[i >>> 6] & 1L << i) != 0) {
            used[i >>> 6] &= ~(1L << i);
            inUse--;
        }
    }

    int inUse() {
        return inUse;
    }
}
