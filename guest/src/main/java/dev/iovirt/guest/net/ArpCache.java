package dev.iovirt.guest.net;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;

/**
 * The neighbour table of one interface (RFC 826; states and timers after RFC 1122 §2.3.2.1 and Linux's
 * neighbour code): an entry is INCOMPLETE while a request is outstanding, holding up to
 * {@link #PENDING_PER_ENTRY} packets, and REACHABLE for {@link #reachableNanos} after a reply; a stale
 * entry is resolved again on its next use. Requests are retried every {@link #retryNanos}, at most
 * {@link #MAX_REQUESTS} times; then the held packets are dropped and counted.
 *
 * <p>A fixed table of {@link #CAPACITY} entries: a lookup allocates nothing. A packet slot is allocated
 * the first time it holds a packet and kept, so an idle guest pays nothing for the queue and a busy
 * one allocates no more after its first bursts. When full, the oldest entry is replaced (a guest on a busy segment is not a malicious case
 * here; ARP floods are the switch's to police).
 */
public final class ArpCache {
    public static final int CAPACITY = 64;
    /**
     * Packets held per unresolved neighbour. Linux holds up to 101 ({@code unres_qlen}, derived from
     * {@code unres_qlen_bytes}, ip-sysctl.rst); 32 bounds a guest's table while letting a burst of new
     * connections wait for one ARP reply instead of losing SYNs to a retransmission timeout.
     */
    public static final int PENDING_PER_ENTRY = 32;
    public static final int MAX_REQUESTS = 3;
    static final int FREE = 0;
    static final int INCOMPLETE = 1;
    static final int REACHABLE = 2;

    final long reachableNanos;
    final long retryNanos;
    /** The size of a packet slot. */
    final int maxFrame;

    /** One neighbour. */
    static final class Entry {
        int state;
        int ip;
        long mac;
        /** REACHABLE: when it goes stale; INCOMPLETE: when to retry. */
        long deadline;
        long created;
        int requests;
        final byte[][] pending = new byte[PENDING_PER_ENTRY][];
        final int[] pendingLength = new int[PENDING_PER_ENTRY];
        int pendingCount;
    }

    final Entry[] entries = new Entry[CAPACITY];
    /** Held packets dropped because their entry was recycled for another address. */
    long evictedPackets;

    ArpCache(long reachableNanos, long retryNanos, int maxFrame) {
        this.reachableNanos = reachableNanos;
        this.retryNanos = retryNanos;
        this.maxFrame = maxFrame;
        for (int i = 0; i < CAPACITY; i++) {
            entries[i] = new Entry();
        }
    }

    Entry find(int ip) {
        for (Entry e : entries) {
            if (e.state != FREE && e.ip == ip) {
                return e;
            }
        }
        return null;
    }

    /** A free entry for {@code ip}, or the oldest one recycled (its held packets dropped). */
    Entry allocate(int ip, long now) {
        Entry victim = null;
        for (Entry e : entries) {
            if (e.state == FREE) {
                victim = e;
                break;
            }
            if (victim == null || e.created < victim.created) {
                victim = e;
            }
        }
        evictedPackets += victim.state == INCOMPLETE ? victim.pendingCount : 0;
        victim.state = INCOMPLETE;
        victim.ip = ip;
        victim.mac = 0;
        victim.requests = 0;
        victim.pendingCount = 0;
        victim.created = now;
        return victim;
    }

    /** The MAC address of a reachable {@code address} at {@code nowNanos}, or null. For tests and tools. */
    public MacAddress lookup(Ipv4Address address, long nowNanos) {
        Entry e = find(address.bits());
        return e != null && e.state == REACHABLE && e.deadline > nowNanos ? MacAddress.of(e.mac) : null;
    }

    /** Whether {@code address} has an entry awaiting a reply. */
    public boolean resolving(Ipv4Address address) {
        Entry e = find(address.bits());
        return e != null && e.state == INCOMPLETE;
    }

    /** Held packets dropped because the table was full and their entry was recycled. */
    public long evictedPackets() {
        return evictedPackets;
    }

    /** Entries in use. */
    public int size() {
        int n = 0;
        for (Entry e : entries) {
            if (e.state != FREE) {
                n++;
            }
        }
        return n;
    }
}
