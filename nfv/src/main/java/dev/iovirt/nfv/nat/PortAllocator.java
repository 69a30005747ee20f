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

    /** A free port, now taken, or -1 if every port is in use. */
    int allocate() {
        if (inUse == count) {
            return -1;
        }
        for (int n = 0; n < count; n++) {
            int i = cursor;
            cursor = cursor + 1 == count ? 0 : cursor + 1;
            if ((used[i >>> 6] & 1L << i) == 0) {
                used[i >>> 6] |= 1L << i;
                inUse++;
                return first + i;
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
