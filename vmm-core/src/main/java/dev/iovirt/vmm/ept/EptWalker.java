package dev.iovirt.vmm.ept;

import dev.iovirt.vmm.mem.HostMemory;

/**
 * The processor's EPT page walk: guest-physical to host-physical through four levels of tables in host
 * memory. SDM Vol. 3C §29.3.2. Each entry read is one memory reference; the caller adds
 * {@link #references()} deltas to its counters.
 *
 * <p>Per level: read the entry; if bits 2:0 are all 0 the entry is not present (violation); check it
 * for misconfiguration (§29.3.3.1: write without read, reserved bits, a reserved memory type in a
 * leaf); AND its permissions into the running set; set its accessed flag if the EPTP enables A/D
 * (§29.3.5); stop at a PTE or at a PDPTE/PDE with bit 7 set. Then check the access against the AND and
 * set the leaf's dirty flag on a write.
 *
 * <p>Not thread-safe: one walker per MMU.
 */
public final class EptWalker {
    private static final long PML4E_RESERVED = 0xF8L; // bits 7:3 of a PML4E. SDM Vol. 3C Table 29-1.
    private static final long NONLEAF_RESERVED = 0x78L; // bits 6:3 of a non-leaf PDPTE/PDE. SDM Vol. 3C Tables 29-3, 29-5.
    private final HostMemory memory;
    private long references;

    public EptWalker(HostMemory memory) {
        this.memory = memory;
    }

    /** Memory references made by all walks so far. */
    public long references() {
        return references;
    }

    /**
     * Walks {@code gpa} for an access of kind {@code access} ({@link Access}).
     */
    public void walk(long eptp, long gpa, int access, EptWalk out) {
        boolean ad = Eptp.accessedDirtyEnabled(eptp);
        long table = Eptp.pml4(eptp);
        long rwx = EptEntry.RWX;
        out.misconfigReason = null;
        for (int level = 4; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long entryAddr = table | (((gpa >>> shift) & 511) << 3);
            long e = memory.read64(entryAddr);
            references++;
            if (!EptEntry.present(e)) {
                out.status = EptWalk.VIOLATION;
                out.rwx = 0;
                return;
            }
            boolean leaf = level == 1 || (level <= 3 && (e & EptEntry.LARGE_PAGE) != 0);
            String bad = misconfiguration(e, level, leaf);
            if (bad != null) {
                out.status = EptWalk.MISCONFIG;
                out.misconfigReason = bad + " in the level-" + level + " EPT entry at HPA 0x" + Long.toHexString(entryAddr);
                return;
            }
            rwx &= e;
            if (ad && (e & EptEntry.ACCESSED) == 0) {
                e |= EptEntry.ACCESSED;
                memory.write64(entryAddr, e);
            }
            if (leaf) {
                out.rwx = rwx & EptEntry.RWX;
                out.pageShift = shift;
                if ((access & out.rwx) == 0 || ((access & Access.WRITE) != 0 && (out.rwx & EptEntry.WRITE) == 0)) {
                    out.status = EptWalk.VIOLATION;
                    return;
                }
                if (ad && access == Access.WRITE && (e & EptEntry.DIRTY) == 0) {
                    e |= EptEntry.DIRTY;
                    memory.write64(entryAddr, e);
                }
                out.dirty = !ad || (e & EptEntry.DIRTY) != 0;
                long pageMask = (1L << shift) - 1;
                out.hpa = (EptEntry.address(e) & ~pageMask) | (gpa & pageMask);
                out.status = EptWalk.OK;
                return;
            }
            table = EptEntry.address(e);
        }
        throw new AssertionError("unreachable");
    }

    /** The misconfiguration of a present entry, or {@code null}. SDM Vol. 3C §29.3.3.1. */
    static String misconfiguration(long e, int level, boolean leaf) {
        if ((e & EptEntry.READ) == 0 && (e & EptEntry.WRITE) != 0) {
            return "write permission without read";
        }
        if ((e & EptEntry.RESERVED_HIGH) != 0) {
            return "address bits above MAXPHYADDR set";
        }
        if (level == 4 && (e & PML4E_RESERVED) != 0) {
            return "reserved bits 7:3 set";
        }
        if (!leaf && (e & NONLEAF_RESERVED) != 0) {
            return "reserved bits 6:3 set";
        }
        if (leaf) {
            int mt = (int) ((e & EptEntry.MEMORY_TYPE_MASK) >>> EptEntry.MEMORY_TYPE_SHIFT);
            if (EptEntry.reservedMemoryType(mt)) {
                return "reserved memory type " + mt;
            }
            if (level > 1) {
                long reservedLow = ((1L << (12 + 9 * (level - 1))) - 1) & ~0xFFFL;
                if ((e & reservedLow) != 0) {
                    return "reserved address bits of a large page set";
                }
            }
        }
        return null;
    }
}
