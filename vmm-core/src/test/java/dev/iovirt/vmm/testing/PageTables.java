package dev.iovirt.vmm.testing;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.PageSize;

/**
 * Builds IA-32e four-level guest page tables in guest memory for tests (as firmware would place them
 * before the kernel runs). Tables are allocated upward from {@code tablesBase}.
 */
public final class PageTables {
    private final DmaMemory memory;
    private final long pml4;
    private long next;

    public PageTables(DmaMemory memory, long tablesBase) {
        this.memory = memory;
        this.pml4 = tablesBase;
        this.next = tablesBase + 4096;
        zero(pml4);
    }

    private void zero(long table) {
        memory.write(Gpa.of(table), new byte[4096], 0, 4096);
    }

    /** The GPA of the PML4, for CR3. */
    public long cr3() {
        return pml4;
    }

    /** Maps {@code gva} to {@code gpa} with a page of {@code size} and leaf flags {@code flags} (P is added). */
    public void map(long gva, long gpa, PageSize size, long flags) {
        int leafLevel = switch (size) {
            case SIZE_4K -> 1;
            case SIZE_2M -> 2;
            case SIZE_1G -> 3;
        };
        long table = pml4;
        for (int level = 4; level > leafLevel; level--) {
            long entryGpa = table + (((gva >>> (12 + 9 * (level - 1))) & 511) << 3);
            long e = memory.read64(Gpa.of(entryGpa));
            if ((e & X86.PTE_P) == 0) {
                long t = next;
                next += 4096;
                zero(t);
                e = t | X86.PTE_P | X86.PTE_RW | X86.PTE_US;
                memory.write64(Gpa.of(entryGpa), e);
            }
            table = e & X86.PTE_ADDRESS;
        }
        long entryGpa = table + (((gva >>> (12 + 9 * (leafLevel - 1))) & 511) << 3);
        memory.write64(Gpa.of(entryGpa), gpa | flags | X86.PTE_P | (leafLevel > 1 ? X86.PTE_PS : 0));
    }

    /** The GPA of the leaf entry for {@code gva} (4 KiB mappings). */
    public long leafEntryGpa(long gva, int leafLevel) {
        long table = pml4;
        for (int level = 4; level > leafLevel; level--) {
            long e = memory.read64(Gpa.of(table + (((gva >>> (12 + 9 * (level - 1))) & 511) << 3)));
            table = e & X86.PTE_ADDRESS;
        }
        return table + (((gva >>> (12 + 9 * (leafLevel - 1))) & 511) << 3);
    }

    /** Every entry on the path of {@code gva}, from PML4E down to the leaf at {@code leafLevel}. */
    public long[] path(long gva, int leafLevel) {
        long[] out = new long[5 - leafLevel];
        long table = pml4;
        for (int level = 4, i = 0; level >= leafLevel; level--, i++) {
            out[i] = memory.read64(Gpa.of(table + (((gva >>> (12 + 9 * (level - 1))) & 511) << 3)));
            table = out[i] & X86.PTE_ADDRESS;
        }
        return out;
    }

    /** Enables IA-32e paging with these tables: EFER.LME|NXE, CR4.PAE|PGE, CR3, CR0.PE|PG|WP. */
    public void enable(dev.iovirt.vmm.arch.GuestCpu cpu) {
        cpu.wrmsr(X86.MSR_IA32_EFER, X86.EFER_LME | X86.EFER_NXE);
        cpu.movToCr(4, X86.CR4_PAE | X86.CR4_PGE);
        cpu.movToCr(3, pml4);
        cpu.movToCr(0, X86.CR0_PE | X86.CR0_PG | X86.CR0_WP);
    }
}
