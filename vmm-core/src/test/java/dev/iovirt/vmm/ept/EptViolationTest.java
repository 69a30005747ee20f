package dev.iovirt.vmm.ept;

import static dev.iovirt.vmm.vmx.VmcsField.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.testing.PageTables;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.VmxBench;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** EPT-violation exit qualifications (SDM Vol. 3C Table 28-7) and misconfigurations (§29.3.3.1). */
class EptViolationTest {
    private static final long PAGE = 0x40_0000L;
    private final VmxBench b = new VmxBench();

    private long violation(long rwx, Consumer<GuestCpu> access) {
        b.ready();
        b.passThroughMsrs(0, Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST);
        b.mapRam(0, 16);
        if (rwx >= 0) {
            b.ept.map(Gpa.of(PAGE), b.memory.allocateFrame(b.account), PageSize.SIZE_4K, rwx);
        }
        b.onExit = (v, r) -> v.stop("seen");
        b.run(new TestGuest(access));
        assertThat(b.exits).containsExactly(ExitReason.EPT_VIOLATION);
        assertThat(b.r(GUEST_PHYSICAL_ADDRESS)).isEqualTo(PAGE + 0x10);
        assertThat(b.r(GUEST_LINEAR_ADDRESS)).isEqualTo(PAGE + 0x10);
        return b.qualifications.get(0);
    }

    private static final long LINEAR = EptViolation.GLA_VALID | EptViolation.GLA_TRANSLATION;

    @ParameterizedTest(name = "{0} of a not-present page")
    @CsvSource({"read, 1", "write, 2", "fetch, 4"})
    void notPresentPageGivesTheAccessBitAndNoPermissions(String kind, long accessBit) {
        long q = violation(-1, cpu -> access(cpu, kind));
        assertThat(q).isEqualTo(accessBit | LINEAR);
    }

    private static void access(GuestCpu cpu, String kind) {
        switch (kind) {
            case "read" -> cpu.read32(PAGE + 0x10);
            case "write" -> cpu.write32(PAGE + 0x10, 1);
            default -> cpu.fetch(PAGE + 0x10);
        }
    }

    @Test
    void writeToAReadOnlyPageGivesWriteWithReadablePermission() {
        long q = violation(EptEntry.READ, cpu -> cpu.write8(PAGE + 0x10, 1));
        assertThat(q).isEqualTo(EptViolation.DATA_WRITE | EptViolation.READABLE | LINEAR);
    }

    @Test
    void fetchFromAReadWritePageGivesFetchWithReadableAndWritable() {
        long q = violation(EptEntry.READ | EptEntry.WRITE, cpu -> cpu.fetch(PAGE + 0x10));
        assertThat(q).isEqualTo(EptViolation.INSTRUCTION_FETCH | EptViolation.READABLE | EptViolation.WRITABLE | LINEAR);
    }

    @Test
    void readFromAnExecuteOnlyPageGivesReadWithExecutable() {
        long q = violation(EptEntry.EXECUTE, cpu -> cpu.read8(PAGE + 0x10));
        assertThat(q).isEqualTo(EptViolation.DATA_READ | EptViolation.EXECUTABLE | LINEAR);
    }

    @Test
    void writeToAReadExecutePageGivesWriteWithReadableAndExecutable() {
        long q = violation(EptEntry.READ | EptEntry.EXECUTE, cpu -> cpu.write64(PAGE + 0x10, 1));
        assertThat(q).isEqualTo(EptViolation.DATA_WRITE | EptViolation.READABLE | EptViolation.EXECUTABLE | LINEAR);
    }

    @Test
    void violationOnAGuestPagingStructureClearsBit8() {
        b.ready();
        b.passThroughMsrs(0, Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST);
        b.mapRam(0, 1024);
        PageTables pt = new PageTables(b.guestMemory, 0x10_0000L);
        pt.map(0x4000_0000L, 0x20_0000L, PageSize.SIZE_4K, X86.PTE_RW);
        long ptTable = pt.leafEntryGpa(0x4000_0000L, 1) & ~0xFFFL;
        b.ept.unmap(Gpa.of(ptTable)); // the guest's page table (level 1) is not mapped in EPT
        b.onExit = (v, r) -> {
            if (r == ExitReason.EPT_VIOLATION) {
                v.stop("seen");
            }
        };
        b.run(new TestGuest(cpu -> {
            pt.enable(cpu);
            cpu.read8(0x4000_0000L);
        }));
        assertThat(b.exits).containsExactly(ExitReason.EPT_VIOLATION);
        assertThat(b.r(GUEST_PHYSICAL_ADDRESS)).isEqualTo(pt.leafEntryGpa(0x4000_0000L, 1));
        assertThat(b.qualifications.get(0)).isEqualTo(EptViolation.DATA_READ | EptViolation.GLA_VALID);
    }

    private String misconfig(java.util.function.LongUnaryOperator edit, int level) {
        b.ready();
        b.passThroughMsrs(0, Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST);
        b.mapRam(0, 16);
        b.ept.map(Gpa.of(PAGE), b.memory.allocateFrame(b.account), PageSize.SIZE_4K, EptEntry.RWX);
        long addr = b.ept.entryAddressAtLevel(Gpa.of(PAGE), level);
        b.memory.write64(addr, edit.applyAsLong(b.memory.read64(addr)));
        b.onExit = (v, r) -> v.stop("seen");
        b.run(new TestGuest(cpu -> cpu.read8(PAGE + 0x10)));
        assertThat(b.exits).containsExactly(ExitReason.EPT_MISCONFIG);
        assertThat(b.r(GUEST_PHYSICAL_ADDRESS)).isEqualTo(PAGE + 0x10);
        return b.vcpu.mmu().misconfigReason;
    }

    @Test
    void writeWithoutReadIsAMisconfiguration() {
        assertThat(misconfig(e -> (e & ~EptEntry.RWX) | EptEntry.WRITE | EptEntry.EXECUTE, 1)).contains("write permission without read");
    }

    @Test
    void reservedMemoryTypeIsAMisconfiguration() {
        assertThat(misconfig(e -> (e & ~EptEntry.MEMORY_TYPE_MASK) | (7L << EptEntry.MEMORY_TYPE_SHIFT), 1)).contains("reserved memory type 7");
    }

    @Test
    void largePageBitInAPml4eIsAMisconfiguration() {
        assertThat(misconfig(e -> e | EptEntry.LARGE_PAGE, 4)).contains("reserved bits 7:3");
    }

    @Test
    void addressBeyondMaxPhysAddrIsAMisconfiguration() {
        assertThat(misconfig(e -> e | (1L << 50), 2)).contains("MAXPHYADDR");
    }

    @Test
    void eptpValidation() {
        Hpa pml4 = Hpa.of(0x1000);
        assertThat(Eptp.invalidReason(Eptp.of(pml4, true))).isNull();
        assertThat(Eptp.of(pml4, true)).isEqualTo(0x1000 | 6 | (3 << 3) | (1 << 6));
        assertThat(Eptp.invalidReason(Eptp.of(pml4, false) | (1 << 8))).contains("reserved");
    }
}
