package dev.iovirt.vswitch.ofproto;

import java.util.HashMap;
import java.util.Map;

/**
 * The MAC learning table behind the NORMAL action: which port each (VLAN, MAC) was last seen on,
 * aged out after {@link #agingNanos}, as a learning bridge does (IEEE 802.1Q-2018 §8.8.3, default
 * ageing time 300 s).
 */
final class MacLearningTable {
    static final long DEFAULT_AGING_NANOS = 300_000_000_000L;
    static final int MAX_ENTRIES = 8192;

    private record Entry(int port, long seenNanos) {
    }

    private final Map<Long, Entry> entries = new HashMap<>();
    final long agingNanos;

    MacLearningTable(long agingNanos) {
        this.agingNanos = agingNanos;
    }

    private static long key(int vlan, long mac) {
        return (long) vlan << 48 | mac;
    }

    /** Records that {@code mac} was seen on {@code port}; returns true if that is new or a move. */
    boolean learn(int vlan, long mac, int port, long now) {
        if ((mac & 0x0100_0000_0000L) != 0) {
            return false; // group addresses are never learned as sources
        }
        Entry old = entries.get(key(vlan, mac));
        if (old == null && entries.size() >= MAX_ENTRIES) {
            expire(now);
            if (entries.size() >= MAX_ENTRIES) {
                return false;
            }
        }
        entries.put(key(vlan, mac), new Entry(port, now));
        return old == null || old.port != port || now - old.seenNanos > agingNanos;
    }

    /** The port {@code mac} was learned on, or -1. */
    int lookup(int vlan, long mac, long now) {
        Entry e = entries.get(key(vlan, mac));
        return e == null || now - e.seenNanos > agingNanos ? -1 : e.port;
    }

    void forgetPort(int port) {
        entries.values().removeIf(e -> e.port == port);
    }

    int expire(long now) {
        int before = entries.size();
        entries.values().removeIf(e -> now - e.seenNanos > agingNanos);
        return before - entries.size();
    }

    int size() {
        return entries.size();
    }
}
