package dev.iovirt.vmm.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.ept.Access;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.ept.EptViolation;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.testing.PageTables;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.VmxBench;
import dev.iovirt.vmm.vmx.Controls;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded randomized check of the MMU against a reference written from the SDM rules: random guest
 * mappings (4 KiB and 2 MiB, random R/W and XD) over random EPT permissions (including none), random
 * accesses, each translated twice (walk, then TLB) and compared with the expected host address or
 * fault — page-fault error code, or EPT-violation qualification.
 */
class MmuRandomizedTest {
    private static final long GVA_BASE = 0x40_0000_0000L;
    private static final long DATA_GPA = 0x100_0000L; // data pages from 16 MiB up
    private static final int PAGES = 256;

    private record GuestMapping(long gpa, boolean writable, boolean noExecute) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2024, 7_777_777})
    void randomMappingsTranslateAsTheSdmSays(long seed) {
        Random rnd = new Random(seed);
        VmxBench b = new VmxBench();
        b.ready();
        b.passThroughMsrs(0, Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST | Controls.SEC_ENABLE_VPID);
        b.w(dev.iovirt.vmm.vmx.VmcsField.VIRTUAL_PROCESSOR_ID, 1);
        b.mapRam(0, 2048); // tables live in the first 8 MiB, all RWX in EPT
        PageTables pt = new PageTables(b.guestMemory, 0x10_0000L);

        Map<Long, GuestMapping> guest = new HashMap<>(); // guest page (4 KiB granularity) -> mapping
        Map<Long, Long> eptPerm = new HashMap<>(); // data GPA page -> R/W/X (absent: unmapped)
        Map<Long, Long> eptFrame = new HashMap<>();
        for (int i = 0; i < PAGES; i++) {
            long gpaPage = DATA_GPA + 4096L * i;
            if (rnd.nextInt(5) != 0) {
                long perm = rnd.nextInt(8);
                if ((perm & EptEntry.WRITE) != 0) {
                    perm |= EptEntry.READ; // write without read is a misconfiguration, tested elsewhere
                }
                if (perm != 0) {
                    Hpa frame = b.memory.allocateFrame(b.account);
                    b.ept.map(Gpa.of(gpaPage), frame, PageSize.SIZE_4K, perm);
                    eptPerm.put(gpaPage, perm);
                    eptFrame.put(gpaPage, frame.value());
                }
            }
        }
        // Guest mappings: 4 KiB pages to random data pages, plus one 2 MiB page over a 2 MiB-aligned data run.
        for (int i = 0; i < PAGES; i++) {
            if (rnd.nextInt(4) == 0) {
                continue; // not present
            }
            long gva = GVA_BASE + 4096L * i;
            long gpa = DATA_GPA + 4096L * rnd.nextInt(PAGES);
            boolean w = rnd.nextBoolean();
            boolean xd = rnd.nextInt(3) == 0;
            pt.map(gva, gpa, PageSize.SIZE_4K, (w ? X86.PTE_RW : 0) | (xd ? X86.PTE_XD : 0));
            guest.put(gva, new GuestMapping(gpa, w, xd));
        }
        long bigGva = GVA_BASE + 0x4000_0000L;
        pt.map(bigGva, DATA_GPA, PageSize.SIZE_2M, X86.PTE_RW);
        for (int i = 0; i < 512; i++) {
            guest.put(bigGva + 4096L * i, new GuestMapping(DATA_GPA + 4096L * i, true, false));
        }

        b.run(new TestGuest(pt::enable)); // CR0.WP=1, EFER.NXE=1, CPL 0
        Mmu mmu = b.vcpu.mmu();
        int checked = 0;
        for (int n = 0; n < 3000; n++) {
            long page = rnd.nextBoolean() ? GVA_BASE + 4096L * rnd.nextInt(PAGES + 8) : bigGva + 4096L * rnd.nextInt(PAGES);
            long gva = page + rnd.nextInt(4096);
            int access = new int[] {Access.READ, Access.WRITE, Access.FETCH}[rnd.nextInt(3)];
            for (int twice = 0; twice < 2; twice++) {
                long got = mmu.translate(gva, access);
                GuestMapping m = guest.get(page);
                String what = "seed " + seed + " " + Access.name(access) + " of 0x" + Long.toHexString(gva) + " (" + m + ")";
                if (m == null) {
                    assertThat(got).as(what).isEqualTo(Mmu.FAULT);
                    assertThat(mmu.fault).as(what).isEqualTo(Mmu.FAULT_PAGE);
                    assertThat(mmu.pageFaultError).as(what).isEqualTo(
                            (access == Access.WRITE ? X86.PF_W : 0) | (access == Access.FETCH ? X86.PF_I : 0));
                    continue;
                }
                if ((access == Access.WRITE && !m.writable()) || (access == Access.FETCH && m.noExecute())) {
                    assertThat(got).as(what).isEqualTo(Mmu.FAULT);
                    assertThat(mmu.fault).as(what).isEqualTo(Mmu.FAULT_PAGE);
                    assertThat(mmu.pageFaultError).as(what).isEqualTo(X86.PF_P
                            | (access == Access.WRITE ? X86.PF_W : 0) | (access == Access.FETCH ? X86.PF_I : 0));
                    continue;
                }
                long gpa = m.gpa() | (gva & 0xFFF);
                Long perm = eptPerm.get(m.gpa());
                long allowedBit = access == Access.READ ? EptEntry.READ : access == Access.WRITE ? EptEntry.WRITE : EptEntry.EXECUTE;
                if (perm == null || (perm & allowedBit) == 0) {
                    assertThat(got).as(what).isEqualTo(Mmu.FAULT);
                    assertThat(mmu.fault).as(what).isEqualTo(Mmu.FAULT_EPT_VIOLATION);
                    assertThat(mmu.faultGpa).as(what).isEqualTo(gpa);
                    assertThat(mmu.faultQualification).as(what).isEqualTo(access | ((perm == null ? 0 : perm) << 3)
                            | EptViolation.GLA_VALID | EptViolation.GLA_TRANSLATION);
                    continue;
                }
                assertThat(got).as(what).isEqualTo(eptFrame.get(m.gpa()) | (gva & 0xFFF));
                checked++;
            }
        }
        assertThat(checked).as("translations that succeeded").isGreaterThan(300);
        assertThat(b.vcpu.stats().tlbHits).as("second lookups hit the TLB").isGreaterThan(300);
    }
}
