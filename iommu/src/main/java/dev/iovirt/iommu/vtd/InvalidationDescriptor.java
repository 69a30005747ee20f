package dev.iovirt.iommu.vtd;

/**
 * The 128-bit descriptors of the invalidation queue. VT-d §6.5.2. Bits 3:0 (with 11:9 as type[6:4],
 * zero for all types here) name the descriptor; {@code low} is bytes 0-7 and {@code high} bytes 8-15.
 */
public final class InvalidationDescriptor {
    private InvalidationDescriptor() {
    }

    /** The size of one 128-bit descriptor. VT-d §6.5.2. */
    public static final int SIZE = 16;
    /** Low bits 3:0: type. */
    public static final long TYPE_MASK = 0xFL;
    /** Low bits 11:9: type[6:4]. */
    public static final long TYPE_HIGH_MASK = 0xE00L;
    /** Type 1: context-cache invalidate. VT-d §6.5.2.1. */
    public static final int CONTEXT_CACHE = 1;
    /** Type 2: IOTLB invalidate. VT-d §6.5.2.3. */
    public static final int IOTLB = 2;
    /** Type 3: device-TLB invalidate (not supported: ECAP.DT = 0). VT-d §6.5.2.5. */
    public static final int DEVICE_TLB = 3;
    /** Type 4: interrupt entry cache invalidate. VT-d §6.5.2.7. */
    public static final int INTERRUPT_ENTRY_CACHE = 4;
    /** Type 5: invalidation wait. VT-d §6.5.2.8. */
    public static final int INVALIDATION_WAIT = 5;

    /** Bits 5:4: G, granularity (context-cache: 1 global, 2 domain, 3 device; IOTLB: 1 global, 2 domain, 3 page). VT-d §6.5.2.1, §6.5.2.3. */
    public static final int G_SHIFT = 4;
    /** Bits 31:16: DID. */
    public static final int DID_SHIFT = 16;
    /** Context-cache: bits 47:32 SID, bits 49:48 FM. VT-d §6.5.2.1. */
    public static final int CC_SID_SHIFT = 32;
    public static final int CC_FM_SHIFT = 48;
    /** IOTLB: bit 6 DW, bit 7 DR (drain writes/reads). VT-d §6.5.2.3. */
    public static final long IOTLB_DW = 1L << 6;
    public static final long IOTLB_DR = 1L << 7;
    /** IOTLB high: bits 5:0 AM, bit 6 IH, bits 63:12 ADDR. VT-d §6.5.2.3. */
    public static final long IOTLB_AM_MASK = 0x3FL;
    public static final long IOTLB_IH = 1L << 6;
    /** Interrupt entry cache: bit 4 G (0 global, 1 index-selective), bits 31:27 IM (index mask), bits 47:32 IIDX. VT-d §6.5.2.7. */
    public static final long IEC_INDEX_SELECTIVE = 1L << 4;
    public static final int IEC_IM_SHIFT = 27;
    public static final int IEC_IIDX_SHIFT = 32;
    /** Invalidation wait: bit 4 IF (interrupt), bit 5 SW (status write), bit 6 FN (fence), bits 63:32 status data; high bits 63:2 status address. VT-d §6.5.2.8. */
    public static final long WAIT_IF = 1L << 4;
    public static final long WAIT_SW = 1L << 5;
    public static final long WAIT_FN = 1L << 6;
    public static final int WAIT_STATUS_DATA_SHIFT = 32;
    public static final long WAIT_STATUS_ADDRESS_MASK = ~3L;

    public static int type(long low) {
        return (int) (low & TYPE_MASK) | (int) ((low & TYPE_HIGH_MASK) >>> 5);
    }

    public static int granularity(long low) {
        return (int) (low >>> G_SHIFT) & 3;
    }

    /** A context-cache invalidate descriptor (low half; the high half is zero). */
    public static long contextCache(int granularity, int did, int sid, int fm) {
        return CONTEXT_CACHE | ((long) granularity << G_SHIFT) | ((long) (did & 0xFFFF) << DID_SHIFT)
                | ((long) (sid & 0xFFFF) << CC_SID_SHIFT) | ((long) (fm & 3) << CC_FM_SHIFT);
    }

    /** An IOTLB invalidate descriptor's low half (drains reads and writes). */
    public static long iotlb(int granularity, int did) {
        return IOTLB | ((long) granularity << G_SHIFT) | IOTLB_DW | IOTLB_DR | ((long) (did & 0xFFFF) << DID_SHIFT);
    }

    /** An IOTLB invalidate descriptor's high half for a page-selective invalidation of 2^am pages at {@code address}. */
    public static long iotlbAddress(long address, int am, boolean leafOnly) {
        return (address & ~0xFFFL) | (am & IOTLB_AM_MASK) | (leafOnly ? IOTLB_IH : 0);
    }

    /** An interrupt entry cache invalidate descriptor: global when {@code index} &lt; 0, else 2^mask entries from {@code index}. */
    public static long interruptEntryCache(int index, int mask) {
        if (index < 0) {
            return INTERRUPT_ENTRY_CACHE;
        }
        return INTERRUPT_ENTRY_CACHE | IEC_INDEX_SELECTIVE | ((long) (mask & 0x1F) << IEC_IM_SHIFT) | ((long) (index & 0xFFFF) << IEC_IIDX_SHIFT);
    }

    /** An invalidation wait descriptor's low half that writes {@code statusData} when every earlier descriptor is done. */
    public static long invalidationWait(int statusData, boolean interrupt) {
        return INVALIDATION_WAIT | WAIT_SW | WAIT_FN | (interrupt ? WAIT_IF : 0) | ((statusData & 0xFFFF_FFFFL) << WAIT_STATUS_DATA_SHIFT);
    }
}
