package dev.iovirt.iommu.vtd;

/**
 * A context entry: 128 bits, 256 to a 4 KiB context table, indexed by the device and function
 * (bits 7:0) of the source-id. It names the device's domain and how its requests are translated.
 * VT-d §9.3 (legacy mode).
 *
 * <pre>
 *   low  bit 0      P     present
 *        bit 1      FPD   fault processing disable (faults are blocked but not recorded)
 *        bits 3:2   TT    translation type: 00 untranslated requests via second-level tables,
 *                         01 also translated requests (device-TLB), 10 pass-through, 11 reserved
 *        bits 11:4  reserved
 *        bits 63:12 SLPTPTR  host-physical address of the second-level PML4 (or PDPT for 3 levels)
 *   high bits 2:0   AW    adjusted guest address width: 001 39-bit (3-level), 010 48-bit (4-level), 011 57-bit
 *        bits 6:3   ignored (AVAIL)
 *        bit 7      reserved
 *        bits 23:8  DID   domain identifier
 *        bits 63:24 reserved
 * </pre>
 */
public final class ContextEntry {
    private ContextEntry() {
    }

    /** The size of one entry in bytes. VT-d §9.3. */
    public static final int SIZE = 16;
    /** Low bit 0: P. VT-d §9.3. */
    public static final long PRESENT = 1L;
    /** Low bit 1: FPD, fault processing disable. VT-d §9.3. */
    public static final long FAULT_PROCESSING_DISABLE = 1L << 1;
    /** Low bits 3:2: TT. VT-d §9.3. */
    public static final int TT_SHIFT = 2;
    /** TT 00b: untranslated requests are translated through the second-level tables. VT-d §9.3. */
    public static final int TT_UNTRANSLATED = 0;
    /** TT 01b: as 00b, and translated requests from a device-TLB are allowed (ECAP.DT; not modeled). VT-d §9.3. */
    public static final int TT_ALL = 1;
    /** TT 10b: pass-through, untranslated requests go to the host-physical address they name (ECAP.PT). VT-d §9.3. */
    public static final int TT_PASSTHROUGH = 2;
    /** Low bits 11:4 are reserved. VT-d §9.3. */
    public static final long RESERVED_LOW = 0xFF0L;
    /** Low bits 63:12: SLPTPTR. VT-d §9.3. */
    public static final long SLPTPTR_MASK = 0xFFFF_FFFF_FFFF_F000L;
    /** High bits 2:0: AW. VT-d §9.3. */
    public static final long AW_MASK = 7L;
    /** AW 001b: 39-bit AGAW, 3-level second-level table. VT-d §9.3. */
    public static final int AW_39 = 1;
    /** AW 010b: 48-bit AGAW, 4-level second-level table. VT-d §9.3. */
    public static final int AW_48 = 2;
    /** High bits 23:8: DID. VT-d §9.3. */
    public static final int DID_SHIFT = 8;
    /** High bit 7 and bits 63:24 are reserved. VT-d §9.3. */
    public static final long RESERVED_HIGH = 0xFFFF_FFFF_FF00_0080L;

    /** The low 64 bits of a present entry. */
    public static long low(int translationType, long slptptr, boolean faultProcessingDisable) {
        return (slptptr & SLPTPTR_MASK) | ((long) (translationType & 3) << TT_SHIFT)
                | (faultProcessingDisable ? FAULT_PROCESSING_DISABLE : 0) | PRESENT;
    }

    /** The high 64 bits. */
    public static long high(int addressWidth, int domainId) {
        return (addressWidth & AW_MASK) | ((long) (domainId & 0xFFFF) << DID_SHIFT);
    }

    public static boolean present(long low) {
        return (low & PRESENT) != 0;
    }

    public static boolean faultProcessingDisabled(long low) {
        return (low & FAULT_PROCESSING_DISABLE) != 0;
    }

    public static int translationType(long low) {
        return (int) (low >>> TT_SHIFT) & 3;
    }

    public static long slptptr(long low) {
        return low & SLPTPTR_MASK;
    }

    public static int addressWidth(long high) {
        return (int) (high & AW_MASK);
    }

    public static int domainId(long high) {
        return (int) (high >>> DID_SHIFT) & 0xFFFF;
    }

    /** The number of second-level paging levels for an AW encoding, or 0 if it is not 39 or 48 bits. VT-d §3.6, §9.3. */
    public static int levels(int addressWidth) {
        return switch (addressWidth) {
            case AW_39 -> 3;
            case AW_48 -> 4;
            default -> 0;
        };
    }

    /** The adjusted guest address width in bits for an AW encoding (30 + 9 × AW). VT-d §9.3. */
    public static int agawBits(int addressWidth) {
        return 30 + 9 * addressWidth;
    }
}
