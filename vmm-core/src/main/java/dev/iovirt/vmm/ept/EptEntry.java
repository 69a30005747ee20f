package dev.iovirt.vmm.ept;

/**
 * The bit layout of an EPT paging-structure entry (PML4E, PDPTE, PDE, PTE) as it sits in host memory.
 * SDM Vol. 3C §29.3.2, Tables 29-1 to 29-6 (numbering of the 2023 SDM; older editions: §28.2.2).
 * Entries are 64-bit little-endian words, 512 to a 4 KiB table.
 */
public final class EptEntry {
    private EptEntry() {
    }

    /** Bit 0: reads allowed from the region this entry controls. SDM Vol. 3C Table 29-1. */
    public static final long READ = 1L;
    /** Bit 1: writes allowed. SDM Vol. 3C Table 29-1. */
    public static final long WRITE = 1L << 1;
    /** Bit 2: instruction fetches allowed (supervisor fetches when mode-based execute control is on). SDM Vol. 3C Table 29-1. */
    public static final long EXECUTE = 1L << 2;
    /** Bits 2:0 together; an entry with all three clear is not present. SDM Vol. 3C §29.3.2. */
    public static final long RWX = READ | WRITE | EXECUTE;
    /** Bits 5:3 of a leaf: the EPT memory type. SDM Vol. 3C §29.3.7, Table 29-4/29-6. */
    public static final int MEMORY_TYPE_SHIFT = 3;
    public static final long MEMORY_TYPE_MASK = 7L << MEMORY_TYPE_SHIFT;
    /** Bit 6 of a leaf: ignore the guest PAT memory type. SDM Vol. 3C Table 29-4. */
    public static final long IGNORE_PAT = 1L << 6;
    /** Bit 7 of a PDPTE/PDE: the entry maps a 1 GiB / 2 MiB page. Must be 0 in a PML4E. SDM Vol. 3C Tables 29-2, 29-4. */
    public static final long LARGE_PAGE = 1L << 7;
    /** Bit 8: set by the processor when the entry is used, if the EPTP enables A/D flags. SDM Vol. 3C §29.3.5. */
    public static final long ACCESSED = 1L << 8;
    /** Bit 9 of a leaf: set by the processor on a write, if the EPTP enables A/D flags. SDM Vol. 3C §29.3.5. */
    public static final long DIRTY = 1L << 9;
    /** Bit 10: user-mode execute access, used only with mode-based execute control (not modeled). SDM Vol. 3C Table 29-1. */
    public static final long USER_EXECUTE = 1L << 10;
    /** The physical-address width of the modeled processor (CPUID.80000008H:EAX[7:0]). */
    public static final int MAXPHYADDR = 46;
    /** Bits (MAXPHYADDR-1):12: the physical address of the next table or of the page. SDM Vol. 3C Table 29-1. */
    public static final long ADDRESS_MASK = ((1L << MAXPHYADDR) - 1) & ~0xFFFL;
    /** Bits 51:MAXPHYADDR must be zero, else EPT misconfiguration. SDM Vol. 3C §29.3.3.1. */
    public static final long RESERVED_HIGH = ((1L << 52) - 1) & ~((1L << MAXPHYADDR) - 1);

    /** EPT memory types. SDM Vol. 3C §29.3.7; 2, 3 and 7 are reserved and make a leaf misconfigured. */
    public static final int MT_UC = 0;
    public static final int MT_WC = 1;
    public static final int MT_WT = 4;
    public static final int MT_WP = 5;
    public static final int MT_WB = 6;

    /** True if the memory type is one of the reserved encodings 2, 3 or 7. SDM Vol. 3C §29.3.3.1. */
    public static boolean reservedMemoryType(int type) {
        return type == 2 || type == 3 || type == 7;
    }

    /** A leaf entry mapping {@code hpa} with permissions {@code rwx} (bits 2:0) and write-back memory type. */
    public static long leaf(long hpa, long rwx, boolean large) {
        return (hpa & ADDRESS_MASK) | (rwx & RWX) | ((long) MT_WB << MEMORY_TYPE_SHIFT) | (large ? LARGE_PAGE : 0);
    }

    /** A non-leaf entry pointing to the table at {@code hpa}, allowing everything (permissions are set at leaves). */
    public static long table(long hpa) {
        return (hpa & ADDRESS_MASK) | RWX;
    }

    public static boolean present(long entry) {
        return (entry & RWX) != 0;
    }

    public static long address(long entry) {
        return entry & ADDRESS_MASK;
    }
}
