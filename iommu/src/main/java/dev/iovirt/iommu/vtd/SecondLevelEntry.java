package dev.iovirt.iommu.vtd;

/**
 * The bit layout of a second-level paging entry (SL-PML4E, SL-PDPE, SL-PDE, SL-PTE): a 64-bit
 * little-endian word, 512 to a 4 KiB table. VT-d §9.8. The same format family as EPT (SDM Vol. 3C
 * §29.3.2), except that an entry is present if R or W is set (X is ignored unless SLEE is enabled,
 * which this model does not offer).
 */
public final class SecondLevelEntry {
    private SecondLevelEntry() {
    }

    /** Bit 0: R, read permission. VT-d §9.8. */
    public static final long READ = 1L;
    /** Bit 1: W, write permission. VT-d §9.8. */
    public static final long WRITE = 1L << 1;
    /** Bit 2: X, execute (ignored: SLEE not supported). VT-d §9.8. */
    public static final long EXECUTE = 1L << 2;
    /** R and W together; an entry with both clear is not present. VT-d §9.8. */
    public static final long RW = READ | WRITE;
    /** Bit 7 of an SL-PDPE / SL-PDE: PS, the entry maps a 1 GiB / 2 MiB super page (CAP.SLLPS); reserved in an SL-PML4E. VT-d §9.8. */
    public static final long PAGE_SIZE = 1L << 7;
    /** Bit 11: SNP, snoop behaviour (ignored without ECAP.SC). VT-d §9.8. */
    public static final long SNOOP = 1L << 11;
    /** The host address width of the model (CAP.MGAW + 1 is the guest side; HAW equals MAXPHYADDR, 46). */
    public static final int HAW = 46;
    /** Bits HAW-1:12: ADDR, the next table or the page. VT-d §9.8. */
    public static final long ADDRESS_MASK = ((1L << HAW) - 1) & ~0xFFFL;
    /** Bits 51:HAW are reserved (fault reason 0xC). VT-d §9.8. */
    public static final long RESERVED_HIGH = ((1L << 52) - 1) & ~((1L << HAW) - 1);

    /** A leaf entry mapping {@code hpa} with permissions {@code rw} (bits 1:0). */
    public static long leaf(long hpa, long rw, boolean superPage) {
        return (hpa & ADDRESS_MASK) | (rw & RW) | (superPage ? PAGE_SIZE : 0);
    }

    /** A non-leaf entry pointing at the table at {@code hpa}, allowing read and write (permissions are set at leaves). */
    public static long table(long hpa) {
        return (hpa & ADDRESS_MASK) | RW;
    }

    public static boolean present(long e) {
        return (e & RW) != 0;
    }

    public static long address(long e) {
        return e & ADDRESS_MASK;
    }
}
