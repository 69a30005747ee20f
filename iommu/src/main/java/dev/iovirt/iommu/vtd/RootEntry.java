package dev.iovirt.iommu.vtd;

/**
 * A root entry: 128 bits, 256 to the 4 KiB root table, indexed by the bus number of the request's
 * source-id. VT-d §9.1 (legacy mode, RTADDR_REG.TTM = 00b). The upper 64 bits are reserved.
 */
public final class RootEntry {
    private RootEntry() {
    }

    /** The size of one entry in bytes. VT-d §9.1. */
    public static final int SIZE = 16;
    /** Bit 0: P, the context table pointer is valid. VT-d §9.1. */
    public static final long PRESENT = 1L;
    /** Bits 11:1 are reserved (fault reason 0xA when set). VT-d §9.1. */
    public static final long RESERVED_LOW = 0xFFEL;
    /** Bits 63:12: CTP, the host-physical address of the context table. VT-d §9.1. */
    public static final long CTP_MASK = 0xFFFF_FFFF_FFFF_F000L;

    /** The low 64 bits of a present root entry pointing at the context table at {@code contextTable}. */
    public static long of(long contextTable) {
        return (contextTable & CTP_MASK) | PRESENT;
    }

    public static boolean present(long low) {
        return (low & PRESENT) != 0;
    }

    public static long contextTable(long low) {
        return low & CTP_MASK;
    }
}
