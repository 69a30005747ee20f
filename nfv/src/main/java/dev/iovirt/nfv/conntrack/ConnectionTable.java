package dev.iovirt.nfv.conntrack;

import dev.iovirt.packet.IpProtocol;

/**
 * The connection table: each connection is one entry reachable by two keys, its original tuple (as
 * the first packet had it) and its reply tuple (what the answer carries: the original reversed, or
 * translated by a NAT), as in Linux's {@code nf_conntrack} where a {@code nf_conn} hangs in the hash by
 * both of its {@code nf_conntrack_tuple_hash}es.
 *
 * <p><b>Keys</b>: a tuple is two longs, {@link #addresses(int, int)} (source and destination) and
 * {@link #ports(int, int, int, int)} (protocol, ICMP type, source and destination port; ICMP echo uses
 * its identifier as the source port, RFC 792). Lookups hash those two longs into an open-addressing
 * table with linear probing and backward-shift deletion: no object per connection, no allocation per
 * packet. The table holds four slots per connection allowed, so it is at most half full.
 *
 * <p><b>Entries</b> live in parallel arrays, packed at indices {@code [0, size)}; removing one moves
 * the last into its place (so an entry index is valid only until the next removal). A lookup returns
 * a <em>handle</em>, {@code entry << 1 | direction}.
 *
 * <p><b>Expiry</b>: every entry has a deadline, pushed forward by its traffic. A lookup that finds an
 * expired entry removes it and reports a miss; {@link #expire(long, int)} sweeps entries
 * incrementally (Linux's conntrack gc worker does the same, a slice at a time), so the cost per
 * round is bounded whatever the table size.
 *
 * <p><b>Limit</b>: {@link #open} refuses a new connection when {@code maxEntries} are in use
 * (Linux's {@code nf_conntrack_max}, without its early drop of unassured entries) and counts it.
 *
 * <p>Single-threaded: owned by one appliance's poll loop.
 */
public final class ConnectionTable {
    public static final int ORIGINAL = 0;
    public static final int REPLY = 1;
    /** Flag: a packet was seen in the reply direction. */
    public static final int SEEN_REPLY = 1;
    /** Flag: the connection is assured (TCP handshake done, UDP replied): Linux's IPS_ASSURED. */
    public static final int ASSURED = 2;

    /** Notified before an entry is removed (expired or deleted), with its index still valid. */
    @FunctionalInterface
    public interface RemovalListener {
        void removed(ConnectionTable table, int entry);
    }

    private final int maxEntries;
    private final int mask;
    /**
     * The hash slots, three longs each (addresses, ports, handle; handle -1 when empty), side by side so
     * that a probe touches one cache line, not three arrays' worth.
     */
    private final long[] slots;

    private final long[] keyAddresses;
    private final long[] keyPorts;
    private final long[] expires;
    private final byte[] state;
    private final byte[] flags;
    private final byte[] originPort;
    private final long[] mark;
    private final long[] packets;
    private int size;
    private int sweepCursor;
    private RemovalListener listener = (t, e) -> { };

    private long opened;
    private long expired;
    private long refusedFull;

    /** A table for up to {@code maxEntries} connections. */
    public ConnectionTable(int maxEntries) {
        if (maxEntries < 1 || maxEntries > (1 << 24)) {
            throw new IllegalArgumentException("maxEntries must be in [1, 2^24]: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        int slots = Integer.highestOneBit(maxEntries * 4 - 1) << 1;
        mask = slots - 1;
        this.slots = new long[3 * slots];
        for (int i = 0; i < slots; i++) {
            this.slots[3 * i + 2] = -1;
        }
        keyAddresses = new long[2 * maxEntries];
        keyPorts = new long[2 * maxEntries];
        expires = new long[maxEntries];
        state = new byte[maxEntries];
        flags = new byte[maxEntries];
        originPort = new byte[maxEntries];
        mark = new long[maxEntries];
        packets = new long[2 * maxEntries];
    }

    /** The address half of a tuple key. */
    public static long addresses(int source, int destination) {
        return (long) source << 32 | (destination & 0xFFFF_FFFFL);
    }

    /** The port half of a tuple key: protocol, ICMP type (0 for TCP/UDP), source and destination port. */
    public static long ports(int protocol, int icmpType, int sourcePort, int destinationPort) {
        return (long) (protocol & 0xFF) << 40 | (long) (icmpType & 0xFF) << 32 | (long) (sourcePort & 0xFFFF) << 16
                | (destinationPort & 0xFFFF);
    }

    /** The port key of {@code p} as it travels. */
    public static long ports(Ipv4Packet p) {
        return ports(p.protocol, p.protocol == IpProtocol.ICMP ? p.icmpType : 0, p.sourcePort, p.destinationPort);
    }

    public void setRemovalListener(RemovalListener listener) {
        this.listener = listener;
    }

    // ---------------------------------------------------------------- lookup

    private static int hash(long addresses, long ports) {
        long h = addresses * 0x9E37_79B9_7F4A_7C15L ^ ports * 0xC2B2_AE3D_27D4_EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58_476D_1CE4_E5B9L;
        return (int) (h ^ h >>> 32);
    }

    private int findSlot(long addresses, long ports) {
        for (int i = hash(addresses, ports) & mask; ; i = (i + 1) & mask) {
            if (slots[3 * i + 2] < 0) {
                return -1;
            }
            if (slots[3 * i] == addresses && slots[3 * i + 1] == ports) {
                return i;
            }
        }
    }

    private int handleAt(int slot) {
        return (int) slots[3 * slot + 2];
    }

    private void setHandle(int slot, int handle) {
        slots[3 * slot + 2] = handle;
    }

    /**
     * The handle ({@code entry << 1 | direction}) of the connection with this tuple in either
     * direction, or -1. An entry found expired at {@code now} is removed and reported as a miss.
     */
    public int lookup(long addresses, long ports, long now) {
        int slot = findSlot(addresses, ports);
        if (slot < 0) {
            return -1;
        }
        int handle = handleAt(slot);
        if (expires[handle >>> 1] <= now) {
            expired++;
            remove(handle >>> 1);
            return -1;
        }
        return handle;
    }

    /** Whether a tuple is in use by a live or not yet swept connection (a NAT's check before it picks a port). */
    public boolean contains(long addresses, long ports) {
        return findSlot(addresses, ports) >= 0;
    }

    // ---------------------------------------------------------------- insert and remove

    /**
     * Adds a connection with the given original and reply tuples, arriving on {@code port}, in
     * {@code initialState} until {@code expiresAt}. Returns its entry index, or -1 if the table is
     * full or either tuple is already in use (counted in {@link #refusedFull()} for the former).
     */
    public int open(long origAddresses, long origPorts, long replyAddresses, long replyPorts, int port, int initialState,
            long expiresAt) {
        if (size == maxEntries) {
            refusedFull++;
            return -1;
        }
        if (findSlot(origAddresses, origPorts) >= 0 || findSlot(replyAddresses, replyPorts) >= 0) {
            return -1;
        }
        int e = size++;
        keyAddresses[2 * e] = origAddresses;
        keyPorts[2 * e] = origPorts;
        keyAddresses[2 * e + 1] = replyAddresses;
        keyPorts[2 * e + 1] = replyPorts;
        expires[e] = expiresAt;
        state[e] = (byte) initialState;
        flags[e] = 0;
        originPort[e] = (byte) port;
        mark[e] = 0;
        packets[2 * e] = 0;
        packets[2 * e + 1] = 0;
        insertSlot(origAddresses, origPorts, e << 1 | ORIGINAL);
        insertSlot(replyAddresses, replyPorts, e << 1 | REPLY);
        opened++;
        return e;
    }

    private void insertSlot(long addresses, long ports, int handle) {
        int i = hash(addresses, ports) & mask;
        while (slots[3 * i + 2] >= 0) {
            i = (i + 1) & mask;
        }
        slots[3 * i] = addresses;
        slots[3 * i + 1] = ports;
        setHandle(i, handle);
    }

    /** Removes entry {@code e} (the listener is told first); the last entry moves into its index. */
    public void remove(int e) {
        if (e < 0 || e >= size) {
            throw new IndexOutOfBoundsException("no entry " + e);
        }
        listener.removed(this, e);
        deleteSlot(findSlot(keyAddresses[2 * e], keyPorts[2 * e]));
        deleteSlot(findSlot(keyAddresses[2 * e + 1], keyPorts[2 * e + 1]));
        int last = --size;
        if (e != last) {
            // Invariant: entries stay packed in [0, size); the moved entry's two slots learn its new index.
            keyAddresses[2 * e] = keyAddresses[2 * last];
            keyPorts[2 * e] = keyPorts[2 * last];
            keyAddresses[2 * e + 1] = keyAddresses[2 * last + 1];
            keyPorts[2 * e + 1] = keyPorts[2 * last + 1];
            expires[e] = expires[last];
            state[e] = state[last];
            flags[e] = flags[last];
            originPort[e] = originPort[last];
            mark[e] = mark[last];
            packets[2 * e] = packets[2 * last];
            packets[2 * e + 1] = packets[2 * last + 1];
            setHandle(findSlot(keyAddresses[2 * e], keyPorts[2 * e]), e << 1 | ORIGINAL);
            setHandle(findSlot(keyAddresses[2 * e + 1], keyPorts[2 * e + 1]), e << 1 | REPLY);
        }
    }

    /** Linear probing's deletion without tombstones (Knuth 6.4 algorithm R): later keys of the run move back. */
    private void deleteSlot(int i) {
        for (int j = i; ; ) {
            j = (j + 1) & mask;
            if (slots[3 * j + 2] < 0) {
                break;
            }
            int home = hash(slots[3 * j], slots[3 * j + 1]) & mask;
            // Move j into the hole at i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays) {
                System.arraycopy(slots, 3 * j, slots, 3 * i, 3);
                i = j;
            }
        }
        slots[3 * i + 2] = -1;
    }

    /**
     * Removes up to {@code budget} examined entries' worth of expired connections, continuing where the
     * previous call stopped; returns how many were removed.
     */
    public int expire(long now, int budget) {
        int removed = 0;
        for (int n = 0; n < budget && size > 0; n++) {
            if (sweepCursor >= size) {
                sweepCursor = 0;
            }
            if (expires[sweepCursor] <= now) {
                remove(sweepCursor); // the last entry moved here: look at this index again
                removed++;
            } else {
                sweepCursor++;
            }
        }
        expired += removed;
        return removed;
    }

    // ---------------------------------------------------------------- entry fields

    public int size() {
        return size;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public long originalAddresses(int e) {
        return keyAddresses[2 * e];
    }

    public long originalPorts(int e) {
        return keyPorts[2 * e];
    }

    public long replyAddresses(int e) {
        return keyAddresses[2 * e + 1];
    }

    public long replyPorts(int e) {
        return keyPorts[2 * e + 1];
    }

    public long expiresAt(int e) {
        return expires[e];
    }

    public void setExpiresAt(int e, long at) {
        expires[e] = at;
    }

    public int state(int e) {
        return state[e];
    }

    public void setState(int e, int s) {
        state[e] = (byte) s;
    }

    public int flags(int e) {
        return flags[e];
    }

    public void addFlags(int e, int f) {
        flags[e] |= (byte) f;
    }

    /** The function port the connection's first packet arrived on. */
    public int originPort(int e) {
        return originPort[e];
    }

    /** A value the owning function keeps with the connection (a NAT: the inside host's MAC). */
    public long mark(int e) {
        return mark[e];
    }

    public void setMark(int e, long value) {
        mark[e] = value;
    }

    /** Counts a packet of the connection in {@code direction}. */
    public void countPacket(int e, int direction) {
        packets[2 * e + direction]++;
    }

    public long packets(int e, int direction) {
        return packets[2 * e + direction];
    }

    // ---------------------------------------------------------------- counters

    /** Connections created. */
    public long opened() {
        return opened;
    }

    /** Connections removed because their timeout passed. */
    public long expired() {
        return expired;
    }

    /** New connections refused because the table was full. */
    public long refusedFull() {
        return refusedFull;
    }
}
