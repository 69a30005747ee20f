package dev.iovirt.iommu;

import dev.iovirt.iommu.vtd.SecondLevelEntry;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.mem.PageSize;
import java.util.ArrayList;
import java.util.List;

/**
 * One domain's second-level page tables in host frames, as the VMM (the IOMMU driver) edits them: 3
 * levels for a 39-bit address width, 4 for 48 bits. VT-d §9.8. Like {@link dev.iovirt.vmm.ept.EptTables},
 * editing does not invalidate anything: after narrowing or removing a mapping the caller must
 * invalidate the IOTLB (and, for removed tables, the paging-structure caches), or the hardware keeps
 * using the old translation. {@link Iommu#unmap} does both.
 *
 * <p>Invariant: every table this object references was allocated by it and is freed only with it.
 */
public final class SecondLevelTables {
    private final HostMemory memory;
    private final MemoryAccount account;
    private final int levels;
    private final Hpa top;
    private final List<Hpa> tables = new ArrayList<>();

    public SecondLevelTables(HostMemory memory, MemoryAccount account, int levels) {
        if (levels != 3 && levels != 4) {
            throw new IllegalArgumentException("second-level tables have 3 or 4 levels, not " + levels);
        }
        this.memory = memory;
        this.account = account;
        this.levels = levels;
        this.top = memory.allocateFrame(account);
        tables.add(top);
    }

    /** The host-physical address of the top table (the context entry's SLPTPTR). */
    public Hpa top() {
        return top;
    }

    public int levels() {
        return levels;
    }

    /** Frames used by the tables. */
    public synchronized int tableFrames() {
        return tables.size();
    }

    private static int levelOf(PageSize size) {
        return switch (size) {
            case SIZE_4K -> 1;
            case SIZE_2M -> 2;
            case SIZE_1G -> 3;
        };
    }

    private static long index(long iova, int level) {
        return (iova >>> (12 + 9 * (level - 1))) & 511;
    }

    /**
     * Maps the page at {@code iova} to {@code hpa} with {@link DmaPermission} bits; both aligned to {@code size}.
     * The slot must not hold a mapping already (unmap and invalidate first). A super page may replace a
     * present pointer to an (empty or not) lower-level table: that changes a present entry, which the
     * paging-structure caches may hold, so the caller must then invalidate the range (IH = 0).
     *
     * @return true if a table pointer was replaced and the range must be invalidated
     */
    public synchronized boolean map(Iova iova, Hpa hpa, PageSize size, int permissions) {
        if ((iova.value() & size.offsetMask) != 0 || (hpa.value() & size.offsetMask) != 0) {
            throw new IllegalArgumentException(iova + " -> " + hpa + " not aligned to " + size);
        }
        if ((iova.value() >>> (12 + 9 * levels)) != 0) {
            throw new IllegalArgumentException(iova + " is beyond the " + (12 + 9 * levels) + "-bit address width");
        }
        int leafLevel = levelOf(size);
        long table = top.value();
        for (int level = levels; level > leafLevel; level--) {
            long addr = table + (index(iova.value(), level) << 3);
            long e = memory.read64(addr);
            if (!SecondLevelEntry.present(e)) {
                Hpa next = memory.allocateFrame(account);
                tables.add(next);
                e = SecondLevelEntry.table(next.value());
                memory.write64(addr, e);
            } else if ((e & SecondLevelEntry.PAGE_SIZE) != 0) {
                throw new IllegalStateException(iova + " is inside an existing super page");
            }
            table = SecondLevelEntry.address(e);
        }
        long slot = table + (index(iova.value(), leafLevel) << 3);
        long old = memory.read64(slot);
        boolean replacesTable = SecondLevelEntry.present(old) && leafLevel > 1 && (old & SecondLevelEntry.PAGE_SIZE) == 0;
        if (SecondLevelEntry.present(old) && !replacesTable) {
            throw new IllegalStateException(iova + " is already mapped: unmap and invalidate it first");
        }
        memory.write64(slot, SecondLevelEntry.leaf(hpa.value(), permissions & SecondLevelEntry.RW, size != PageSize.SIZE_4K));
        // The replaced table (and any below it) stays allocated until free(): its frames cannot be reused
        // while a paging-structure cache may still point at them.
        return replacesTable;
    }

    /**
     * The host-physical address of the leaf entry mapping {@code iova}, or 0 if it is unmapped; with
     * {@code pageSize} (if not null) receiving the size of the page.
     */
    public synchronized long leafEntryAddress(Iova iova, PageSize[] pageSize) {
        long table = top.value();
        for (int level = levels; level >= 1; level--) {
            long addr = table + (index(iova.value(), level) << 3);
            long e = memory.read64(addr);
            if (!SecondLevelEntry.present(e)) {
                return 0;
            }
            if (level == 1 || (e & SecondLevelEntry.PAGE_SIZE) != 0) {
                if (pageSize != null) {
                    pageSize[0] = level == 1 ? PageSize.SIZE_4K : level == 2 ? PageSize.SIZE_2M : PageSize.SIZE_1G;
                }
                return addr;
            }
            table = SecondLevelEntry.address(e);
        }
        return 0;
    }

    /** The leaf entry's value for {@code iova}, or 0. */
    public synchronized long leafEntry(Iova iova) {
        long addr = leafEntryAddress(iova, null);
        return addr == 0 ? 0 : memory.read64(addr);
    }

    /**
     * Clears the leaf mapping {@code iova} (the caller invalidates).
     *
     * @return the size of the page removed, or {@code null} if nothing was mapped
     */
    public synchronized PageSize unmap(Iova iova) {
        PageSize[] size = new PageSize[1];
        long addr = leafEntryAddress(iova, size);
        if (addr == 0) {
            return null;
        }
        memory.write64(addr, 0);
        return size[0];
    }

    /** Changes the permissions of the leaf mapping {@code iova} (the caller invalidates). */
    public synchronized void protect(Iova iova, int permissions) {
        long addr = leafEntryAddress(iova, null);
        if (addr == 0) {
            throw new IllegalStateException(iova + " is not mapped");
        }
        long e = memory.read64(addr);
        memory.write64(addr, (e & ~SecondLevelEntry.RW) | (permissions & SecondLevelEntry.RW));
    }

    /** Frees every table frame (no context entry may point here any more, and the caches were invalidated). */
    public synchronized void free() {
        for (Hpa t : tables) {
            memory.free(t, PageSize.SIZE_4K, account);
        }
        tables.clear();
    }
}
