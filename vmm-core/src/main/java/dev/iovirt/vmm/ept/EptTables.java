package dev.iovirt.vmm.ept;

import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.mem.PageSize;

/**
 * The VMM's side of one VM's EPT: the four-level tables in host frames (charged to the VM), and the
 * operations a VMM performs on them — map, protect, unmap. After narrowing or removing a mapping the
 * VMM must execute INVEPT, exactly as on hardware: the processor may still hold the old translation.
 *
 * <p>Invariant: every table this object references was allocated by it and is freed only with it.
 */
public final class EptTables {
    private final HostMemory memory;
    private final MemoryAccount account;
    private final Hpa pml4;
    private long tableFrames;
    private final java.util.List<Hpa> tables = new java.util.ArrayList<>();

    public EptTables(HostMemory memory, MemoryAccount account) {
        this.memory = memory;
        this.account = account;
        this.pml4 = memory.allocateFrame(account);
        this.tableFrames = 1;
        tables.add(pml4);
    }

    /** Frees every table frame (the VM is gone; no processor may use this EPTP again). */
    public synchronized void free() {
        for (Hpa t : tables) {
            memory.free(t, PageSize.SIZE_4K, account);
        }
        tables.clear();
        tableFrames = 0;
    }

    /** The host-physical address of the PML4 table. */
    public Hpa pml4() {
        return pml4;
    }

    /** An EPTP for these tables (four levels, WB, with or without A/D flags). */
    public long eptp(boolean accessedDirty) {
        return Eptp.of(pml4, accessedDirty);
    }

    /** Frames used by the tables themselves. */
    public long tableFrames() {
        return tableFrames;
    }

    private static int levelOf(PageSize size) {
        return switch (size) {
            case SIZE_4K -> 1;
            case SIZE_2M -> 2;
            case SIZE_1G -> 3;
        };
    }

    /**
     * Maps the page at {@code gpa} to {@code hpa} with permissions {@code rwx} (bits 2:0 of
     * {@link EptEntry}). Both addresses must be aligned to {@code size}.
     */
    public synchronized void map(Gpa gpa, Hpa hpa, PageSize size, long rwx) {
        if ((gpa.value() & size.offsetMask) != 0 || (hpa.value() & size.offsetMask) != 0) {
            throw new IllegalArgumentException(gpa + " -> " + hpa + " not aligned to " + size);
        }
        long entryAddr = entryAddress(gpa.value(), levelOf(size), true);
        memory.write64(entryAddr, EptEntry.leaf(hpa.value(), rwx, size != PageSize.SIZE_4K));
    }

    /** Changes the permissions of the leaf mapping {@code gpa}; the caller then executes INVEPT. */
    public synchronized void protect(Gpa gpa, long rwx) {
        long entryAddr = leafEntryAddress(gpa);
        long e = memory.read64(entryAddr);
        memory.write64(entryAddr, (e & ~EptEntry.RWX) | (rwx & EptEntry.RWX));
    }

    /** Removes the leaf mapping {@code gpa}; the caller then executes INVEPT. */
    public synchronized void unmap(Gpa gpa) {
        memory.write64(leafEntryAddress(gpa), 0);
    }

    /** The leaf entry's value for {@code gpa}, or 0 if unmapped. */
    public synchronized long leafEntry(Gpa gpa) {
        long addr = leafEntryAddressOrZero(gpa.value());
        return addr == 0 ? 0 : memory.read64(addr);
    }

    /**
     * The host-physical address of the leaf entry that maps {@code gpa}, so a VMM (or a test) can edit
     * the entry in place.
     */
    public synchronized long leafEntryAddress(Gpa gpa) {
        long addr = leafEntryAddressOrZero(gpa.value());
        if (addr == 0) {
            throw new IllegalStateException(gpa + " is not mapped in EPT");
        }
        return addr;
    }

    /** The entry at {@code level} (4 = PML4E) on the path of {@code gpa}, or 0 if the path stops earlier. */
    public synchronized long entryAddressAtLevel(Gpa gpa, int level) {
        long table = pml4.value();
        for (int l = 4; l >= level; l--) {
            long addr = table | (((gpa.value() >>> (12 + 9 * (l - 1))) & 511) << 3);
            if (l == level) {
                return addr;
            }
            long e = memory.read64(addr);
            if (!EptEntry.present(e) || (e & EptEntry.LARGE_PAGE) != 0) {
                return 0;
            }
            table = EptEntry.address(e);
        }
        return 0;
    }

    private long leafEntryAddressOrZero(long gpa) {
        long table = pml4.value();
        for (int level = 4; level >= 1; level--) {
            long addr = table | (((gpa >>> (12 + 9 * (level - 1))) & 511) << 3);
            long e = memory.read64(addr);
            if (level == 1 || (level <= 3 && (e & EptEntry.LARGE_PAGE) != 0)) {
                return EptEntry.present(e) ? addr : 0;
            }
            if (!EptEntry.present(e)) {
                return 0;
            }
            table = EptEntry.address(e);
        }
        return 0;
    }

    private long entryAddress(long gpa, int leafLevel, boolean create) {
        long table = pml4.value();
        for (int level = 4; level > leafLevel; level--) {
            long addr = table | (((gpa >>> (12 + 9 * (level - 1))) & 511) << 3);
            long e = memory.read64(addr);
            if (!EptEntry.present(e)) {
                if (!create) {
                    return 0;
                }
                Hpa next = memory.allocateFrame(account);
                tables.add(next);
                tableFrames++;
                e = EptEntry.table(next.value());
                memory.write64(addr, e);
            } else if ((e & EptEntry.LARGE_PAGE) != 0) {
                throw new IllegalStateException("GPA 0x" + Long.toHexString(gpa) + " is inside an existing large mapping");
            }
            table = EptEntry.address(e);
        }
        return table | (((gpa >>> (12 + 9 * (leafLevel - 1))) & 511) << 3);
    }
}
