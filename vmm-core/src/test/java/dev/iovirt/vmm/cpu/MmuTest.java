package dev.iovirt.vmm.cpu;

import static dev.iovirt.vmm.vmx.VmcsField.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.testing.PageTables;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.VmxBench;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The two-dimensional walk, its reference counts, A/D flags, the TLB and its invalidation, page faults. */
class MmuTest {
    private static final int SEC = Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST;
    private static final long GVA = 0x4000_0000L;
    private static final long TABLES = 0x10_0000L;
    private static final long DATA = 0x20_0000L;
    private final VmxBench b = new VmxBench();
    private final List<Long> deltas = new ArrayList<>();
    private PageTables pt;

    private void setUp(int sec) {
        b.ready();
        b.passThroughMsrs(0, sec);
        if ((sec & Controls.SEC_ENABLE_VPID) != 0) {
            b.w(VIRTUAL_PROCESSOR_ID, 1);
        }
    }

    private void fourK() {
        b.mapRam(0, 1024); // GPA 0-4 MiB, 4 KiB EPT pages
        pt = new PageTables(b.guestMemory, TABLES);
        pt.map(TABLES, TABLES, PageSize.SIZE_4K, X86.PTE_RW); // the guest can edit its own tables
        for (int i = 1; i < 8; i++) {
            pt.map(TABLES + 4096L * i, TABLES + 4096L * i, PageSize.SIZE_4K, X86.PTE_RW);
        }
        pt.map(GVA, DATA, PageSize.SIZE_4K, X86.PTE_RW);
    }

    private long refs() {
        return b.vcpu.stats().walkReferences;
    }

    /** Records the walk references one guest operation costs. */
    private void measure(GuestCpu cpu, Consumer<GuestCpu> op) {
        long before = refs();
        op.accept(cpu);
        deltas.add(refs() - before);
    }

    private void run(Consumer<GuestCpu> program) {
        b.run(new TestGuest(cpu -> {
            pt.enable(cpu);
            program.accept(cpu);
        }));
        assertThat(b.vcpu.stopReason()).isNull();
    }

    @Test
    void coldTwoDimensionalWalkCosts24ReferencesAndATlbHitNone() {
        setUp(SEC);
        fourK();
        long[] hits = new long[2];
        run(cpu -> {
            measure(cpu, c -> c.read64(GVA));
            hits[0] = b.vcpu.stats().tlbHits;
            measure(cpu, c -> c.read64(GVA + 8));
            hits[1] = b.vcpu.stats().tlbHits;
        });
        assertThat(deltas).containsExactly(24L, 0L);
        assertThat(hits[1] - hits[0]).isEqualTo(1);
    }

    @Test
    void guestLargePagesCutTheWalk() {
        setUp(SEC);
        b.mapRam(0, 1024);
        pt = new PageTables(b.guestMemory, TABLES);
        pt.map(GVA, DATA, PageSize.SIZE_2M, X86.PTE_RW); // 3 guest levels
        pt.map(0x80_0000_0000L, 0, PageSize.SIZE_1G, X86.PTE_RW); // 2 guest levels
        run(cpu -> {
            measure(cpu, c -> c.read64(GVA + 0x1234));
            measure(cpu, c -> c.read64(0x80_0000_0000L + 0x30_0000L));
        });
        // 3 × (4 + 1) + 4 = 19; 2 × (4 + 1) + 4 = 14.
        assertThat(deltas).containsExactly(19L, 14L);
    }

    @Test
    void eptLargePagesCutTheWalk() {
        setUp(SEC);
        Hpa big = b.memory.allocatePage(PageSize.SIZE_2M, b.account);
        b.ept.map(Gpa.of(0x200_0000L), big, PageSize.SIZE_2M, EptEntry.RWX); // GPA 32-34 MiB
        Hpa big2 = b.memory.allocatePage(PageSize.SIZE_2M, b.account);
        b.ept.map(Gpa.of(0x220_0000L), big2, PageSize.SIZE_2M, EptEntry.RWX);
        pt = new PageTables(b.guestMemory, 0x200_0000L);
        pt.map(GVA, 0x210_0000L, PageSize.SIZE_4K, X86.PTE_RW);
        pt.map(GVA + 0x20_0000L, 0x220_0000L, PageSize.SIZE_2M, X86.PTE_RW);
        run(cpu -> {
            measure(cpu, c -> c.read64(GVA));
            measure(cpu, c -> c.read64(GVA + 0x20_0000L));
        });
        // EPT 2 MiB: 4 × (3 + 1) + 3 = 19; both dimensions 2 MiB: 3 × (3 + 1) + 3 = 15.
        assertThat(deltas).containsExactly(19L, 15L);
    }

    @Test
    void oneGigabytePagesInBothDimensionsCostEightReferences() {
        setUp(SEC);
        Hpa huge = b.memory.allocatePage(PageSize.SIZE_1G, b.account);
        b.ept.map(Gpa.of(1L << 30), huge, PageSize.SIZE_1G, EptEntry.RWX);
        pt = new PageTables(b.guestMemory, 1L << 30);
        pt.map(GVA, 1L << 30, PageSize.SIZE_1G, X86.PTE_RW);
        long framesBefore = b.memory.framesMaterialized();
        run(cpu -> measure(cpu, c -> c.read64(GVA + 0x1234_5678L)));
        assertThat(deltas).containsExactly(2L * (2 + 1) + 2);
        assertThat(b.memory.framesMaterialized() - framesBefore).isLessThan(4); // 1 GiB reserved, not stored
    }

    @Test
    void walksSetGuestAccessedAndDirtyFlags() {
        setUp(SEC);
        fourK();
        long[][] paths = new long[2][];
        run(cpu -> {
            cpu.read8(GVA);
            paths[0] = pt.path(GVA, 1);
            cpu.write8(GVA, 1);
            paths[1] = pt.path(GVA, 1);
        });
        for (long e : paths[0]) {
            assertThat(e & X86.PTE_A).isNotZero();
        }
        assertThat(paths[0][3] & X86.PTE_D).isZero();
        assertThat(paths[1][3] & X86.PTE_D).isNotZero();
    }

    @Test
    void eptAccessedAndDirtyFlagsAreSetOnlyWhenTheEptpEnablesThem() {
        for (boolean ad : new boolean[] {false, true}) {
            VmxBench bench = new VmxBench();
            bench.ready();
            bench.passThroughMsrs(0, SEC);
            bench.w(EPT_POINTER, bench.ept.eptp(ad));
            bench.mapRam(0, 1024);
            PageTables tables = new PageTables(bench.guestMemory, TABLES);
            tables.map(GVA, DATA, PageSize.SIZE_4K, X86.PTE_RW);
            long[] leaf = new long[2];
            bench.run(new TestGuest(cpu -> {
                tables.enable(cpu);
                cpu.read8(GVA);
                leaf[0] = bench.ept.leafEntry(Gpa.of(DATA));
                cpu.write8(GVA, 1);
                leaf[1] = bench.ept.leafEntry(Gpa.of(DATA));
            }));
            long tableLeaf = bench.ept.leafEntry(Gpa.of(TABLES));
            if (ad) {
                assertThat(leaf[0] & EptEntry.ACCESSED).isNotZero();
                assertThat(leaf[0] & EptEntry.DIRTY).isZero();
                assertThat(leaf[1] & EptEntry.DIRTY).isNotZero();
                // SDM Vol. 3C §29.3.3.2: with A/D on, guest paging-structure accesses count as writes.
                assertThat(tableLeaf & EptEntry.DIRTY).isNotZero();
                assertThat(bench.memory.read64(bench.ept.entryAddressAtLevel(Gpa.of(DATA), 4)) & EptEntry.ACCESSED).isNotZero();
            } else {
                assertThat(leaf[1] & (EptEntry.ACCESSED | EptEntry.DIRTY)).isZero();
                assertThat(tableLeaf & (EptEntry.ACCESSED | EptEntry.DIRTY)).isZero();
            }
        }
    }

    @Test
    void withoutVpidEveryExitFlushesTheTlb() {
        setUp(SEC);
        fourK();
        run(cpu -> {
            cpu.read64(GVA);
            cpu.vmcall(0, 0);
            measure(cpu, c -> c.read64(GVA));
        });
        assertThat(deltas).containsExactly(24L);
    }

    @Test
    void withVpidTlbEntriesSurviveExits() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        run(cpu -> {
            cpu.read64(GVA);
            cpu.vmcall(0, 0);
            measure(cpu, c -> c.read64(GVA));
        });
        assertThat(deltas).containsExactly(0L);
    }

    @Test
    void invvpidReallyInvalidates() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        b.onExit = (v, r) -> {
            if (v.gpr(Vcpu.RAX) == 1) {
                v.invvpid(Vcpu.INVVPID_INDIVIDUAL_ADDRESS, 1, GVA);
            } else if (v.gpr(Vcpu.RAX) == 2) {
                v.invvpid(Vcpu.INVVPID_SINGLE_CONTEXT, 1, 0);
            } else {
                v.invvpid(Vcpu.INVVPID_SINGLE_CONTEXT, 2, 0); // another VPID: ours stays
            }
        };
        run(cpu -> {
            cpu.read64(GVA);
            cpu.vmcall(3, 0);
            measure(cpu, c -> c.read64(GVA));
            cpu.vmcall(1, 0);
            measure(cpu, c -> c.read64(GVA));
            cpu.vmcall(2, 0);
            measure(cpu, c -> c.read64(GVA));
        });
        assertThat(deltas).containsExactly(0L, 24L, 24L);
    }

    @Test
    void inveptReallyInvalidatesAStaleTranslation() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        b.guestMemory.write64(Gpa.of(DATA), 0xAAAA);
        Hpa other = b.memory.allocateFrame(b.account);
        b.memory.write64(other, 0xBBBB);
        b.onExit = (v, r) -> {
            if (v.gpr(Vcpu.RAX) == 1) {
                b.ept.map(Gpa.of(DATA), other, PageSize.SIZE_4K, EptEntry.RWX); // no INVEPT yet
            } else {
                assertThat(v.invept(Vcpu.INVEPT_SINGLE_CONTEXT, b.ept.eptp(false))).isEqualTo(dev.iovirt.vmm.vmx.VmxResult.SUCCEED);
            }
        };
        long[] seen = new long[3];
        run(cpu -> {
            seen[0] = cpu.read64(GVA);
            cpu.vmcall(1, 0);
            seen[1] = cpu.read64(GVA);
            cpu.vmcall(2, 0);
            seen[2] = cpu.read64(GVA);
        });
        assertThat(seen).containsExactly(0xAAAA, 0xAAAA, 0xBBBB);
    }

    @Test
    void inveptAllContextInvalidatesEveryEptp() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        b.onExit = (v, r) -> {
            if (v.gpr(Vcpu.RAX) == 1) {
                v.invept(Vcpu.INVEPT_SINGLE_CONTEXT, b.ept.eptp(false) + 0x1000_0000L); // another VM's EPTP
            } else {
                v.invept(Vcpu.INVEPT_ALL_CONTEXT, 0);
            }
        };
        run(cpu -> {
            cpu.read64(GVA);
            cpu.vmcall(1, 0);
            measure(cpu, c -> c.read64(GVA));
            cpu.vmcall(2, 0);
            measure(cpu, c -> c.read64(GVA));
        });
        assertThat(deltas).containsExactly(0L, 24L);
    }

    @Test
    void movToCr3FlushesNonGlobalEntriesAndKeepsGlobalOnes() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        pt.map(GVA + 0x1000, DATA + 0x1000, PageSize.SIZE_4K, X86.PTE_RW | X86.PTE_G);
        run(cpu -> {
            cpu.read64(GVA);
            cpu.read64(GVA + 0x1000);
            cpu.movToCr(3, pt.cr3());
            measure(cpu, c -> c.read64(GVA));
            measure(cpu, c -> c.read64(GVA + 0x1000));
        });
        assertThat(deltas).containsExactly(24L, 0L);
    }

    @Test
    void invlpgInvalidatesOnePage() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        pt.map(GVA + 0x1000, DATA + 0x1000, PageSize.SIZE_4K, X86.PTE_RW);
        run(cpu -> {
            cpu.read64(GVA);
            cpu.read64(GVA + 0x1000);
            cpu.invlpg(GVA);
            measure(cpu, c -> c.read64(GVA));
            measure(cpu, c -> c.read64(GVA + 0x1000));
        });
        assertThat(deltas).containsExactly(24L, 0L);
    }

    @Test
    void pageFaultsAreDeliveredWithErrorCodeAndCr2AndTheAccessIsRetried() {
        setUp(SEC);
        fourK();
        long np = GVA + 0x5000;
        long ro = GVA + 0x6000;
        long nx = GVA + 0x7000;
        pt.map(ro, DATA + 0x6000, PageSize.SIZE_4K, 0);
        pt.map(nx, DATA + 0x7000, PageSize.SIZE_4K, X86.PTE_RW | X86.PTE_XD);
        b.guestMemory.write8(Gpa.of(DATA + 0x5000), 0x77);
        TestGuest g = new TestGuest(cpu -> {
            pt.enable(cpu);
            int v = cpu.read8(np);
            cpu.write8(ro, v);
            cpu.fetch(nx);
            cpu.write8(np + 1, 1);
        });
        // The guest's #PF handler fixes the page through its own (identity-mapped) page tables.
        g.onInterrupt = cpu -> {
            long cr2 = cpu.movFromCr(2) & ~0xFFFL;
            long pte = pt.leafEntryGpa(cr2, 1);
            long e = cpu.read64(pte);
            if ((e & X86.PTE_P) == 0) {
                e = (DATA + 0x5000) | X86.PTE_P | X86.PTE_RW;
            }
            cpu.write64(pte, (e | X86.PTE_RW) & ~X86.PTE_XD);
            cpu.invlpg(cr2);
        };
        b.run(g);
        assertThat(b.vcpu.stopReason()).isNull();
        assertThat(g.events).containsExactly(
                new TestGuest.Event(14, 0, np), // not present, read, supervisor
                new TestGuest.Event(14, X86.PF_P | X86.PF_W, ro), // protection, write
                new TestGuest.Event(14, X86.PF_P | X86.PF_I, nx)); // protection, instruction fetch
        assertThat(b.guestMemory.read8(Gpa.of(DATA + 0x6000))).isEqualTo(0x77);
        assertThat(b.vcpu.stats().pageFaults).isEqualTo(3);
    }

    @Test
    void userModeAccessesAreCheckedAgainstUserAndWriteBitsEvenOnATlbHit() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        b.mapRam(0, 1024);
        pt = new PageTables(b.guestMemory, TABLES);
        long kernelPage = GVA;
        long userRo = GVA + 0x1000;
        long userRw = GVA + 0x2000;
        pt.map(kernelPage, DATA, PageSize.SIZE_4K, X86.PTE_RW); // PageTables sets U/S on tables only; not on this leaf
        pt.map(userRo, DATA + 0x1000, PageSize.SIZE_4K, X86.PTE_US);
        pt.map(userRw, DATA + 0x2000, PageSize.SIZE_4K, X86.PTE_US | X86.PTE_RW);
        TestGuest g = new TestGuest(cpu -> {
            pt.enable(cpu);
            cpu.movToCr(0, X86.CR0_PE | X86.CR0_PG); // WP=0: the kernel may write read-only pages, users may not
            cpu.read8(kernelPage); // fills the TLB at CPL 0
            cpu.write8(userRo, 1); // allowed at CPL 0 with WP=0
            cpu.switchToCpl(3);
            cpu.write8(userRw, 1); // allowed
            cpu.read8(userRo); // allowed
            cpu.read8(kernelPage); // supervisor page: #PF even though the TLB holds it (the handler stops here)
        });
        g.onInterrupt = cpu -> {
            assertThat(cpu.cpl()).isZero(); // handlers run in the kernel
            cpu.vmcall(1, 0); // report and give up on the access
        };
        b.onExit = (v, r) -> {
            if (r == ExitReason.VMCALL) {
                v.stop("fault seen");
            }
        };
        b.run(g);
        assertThat(g.events).containsExactly(new TestGuest.Event(14, X86.PF_P | X86.PF_U, kernelPage));
        assertThat(b.guestMemory.read8(Gpa.of(DATA + 0x2000))).isEqualTo(1);
        assertThat(b.guestMemory.read8(Gpa.of(DATA + 0x1000))).isEqualTo(1);
    }

    @Test
    void aUserWriteToAReadOnlyPageFaultsWithPresentWriteAndUser() {
        setUp(SEC);
        b.mapRam(0, 1024);
        pt = new PageTables(b.guestMemory, TABLES);
        pt.map(GVA, DATA, PageSize.SIZE_4K, X86.PTE_US);
        TestGuest g = new TestGuest(cpu -> {
            pt.enable(cpu);
            cpu.switchToCpl(3);
            cpu.write8(GVA, 2);
        });
        g.onInterrupt = cpu -> cpu.vmcall(1, 0);
        b.onExit = (v, r) -> v.stop("fault seen");
        b.run(g);
        assertThat(g.events).containsExactly(new TestGuest.Event(14, X86.PF_P | X86.PF_W | X86.PF_U, GVA));
    }

    @Test
    void aPageFaultTheGuestNeverFixesStopsTheVcpuWithAReason() {
        setUp(SEC);
        fourK();
        b.run(new TestGuest(cpu -> {
            pt.enable(cpu);
            cpu.read8(0x7777_0000L);
        }));
        assertThat(b.vcpu.stopped()).isTrue();
        assertThat(b.vcpu.stopReason()).contains("GVA 0x77770000").contains("still faults");
    }

    @Test
    void tlbHitTranslationAllocatesNothing() {
        setUp(SEC | Controls.SEC_ENABLE_VPID);
        fourK();
        long[] allocated = new long[1];
        run(cpu -> {
            cpu.read64(GVA);
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long sum = 0;
            for (int warm = 0; warm < 20_000; warm++) {
                sum += cpu.read64(GVA + (warm & 0xFF8));
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                sum += cpu.read64(GVA + (i & 0xFF8));
            }
            allocated[0] = mx.getCurrentThreadAllocatedBytes() - before + (sum == 42 ? 1 : 0);
        });
        // A per-access allocation would be >= 16 bytes x 100,000; JIT bookkeeping accounts for a few KiB at most.
        assertThat(allocated[0]).isLessThan(32_000);
        VcpuStats s = b.vcpu.stats();
        assertThat(s.tlbHits).isGreaterThanOrEqualTo(120_000);
    }
}
