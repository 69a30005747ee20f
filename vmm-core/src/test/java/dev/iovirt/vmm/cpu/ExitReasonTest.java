package dev.iovirt.vmm.cpu;

import static dev.iovirt.vmm.vmx.VmcsField.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.VmxBench;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitQualification;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vmm.vmx.InterruptionInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One exit reason per control that causes it, and no exit when the control is off. */
class ExitReasonTest {
    private static final int SEC = Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST;
    private final VmxBench b = new VmxBench();
    private final int[] result = new int[4];

    @BeforeEach
    void setUp() {
        b.ready();
        b.mapRam(0, 16);
    }

    private void proc(int proc) {
        b.controls(0, Controls.PROC_ACTIVATE_SECONDARY | proc, SEC, 0, 0);
    }

    @Test
    void hltExitingCausesReason12() {
        proc(Controls.PROC_HLT_EXITING);
        b.run(new TestGuest(cpu -> { }));
        assertThat(b.exits).containsExactly(ExitReason.HLT);
        assertThat(b.vcpu.stats().exits(ExitReason.HLT)).isEqualTo(1);
    }

    @Test
    void hltWithoutHltExitingHaltsWithoutExit() {
        proc(0);
        b.run(new TestGuest(cpu -> { }));
        assertThat(b.exits).isEmpty();
        assertThat(b.vcpu.halted()).isTrue();
    }

    @Test
    void unconditionalIoExitingCausesReason30WithTheIoQualification() {
        proc(Controls.PROC_UNCONDITIONAL_IO_EXITING);
        b.onExit = (v, r) -> v.setGpr(Vcpu.RAX, 0x5A);
        TestGuest g = new TestGuest(cpu -> {
            cpu.out8(0x3F8, 'h');
            result[0] = cpu.in16(0x1F0);
        });
        b.run(g);
        assertThat(b.exits).containsExactly(ExitReason.IO_INSTRUCTION, ExitReason.IO_INSTRUCTION);
        long out = b.qualifications.get(0);
        assertThat(ExitQualification.ioPort(out)).isEqualTo(0x3F8);
        assertThat(ExitQualification.ioSize(out)).isEqualTo(1);
        assertThat(ExitQualification.ioIn(out)).isFalse();
        assertThat(out).isEqualTo(0x3F8L << 16); // SDM Table 28-5: size-1 = 0, OUT, DX operand
        assertThat(b.qualifications.get(1)).isEqualTo((0x1F0L << 16) | 1 | ExitQualification.IO_IN);
        assertThat(result[0]).isEqualTo(0x5A);
    }

    @Test
    void withoutIoExitingPortsDecodeNothingAndDoNotExit() {
        proc(0);
        b.run(new TestGuest(cpu -> result[0] = cpu.in8(0x3F8)));
        assertThat(b.exits).isEmpty();
        assertThat(result[0]).isEqualTo(0xFF);
    }

    @Test
    void ioBitmapsMakeOnlyTheMarkedPortsExit() {
        Hpa a = b.region();
        Hpa bb = b.region();
        b.memory.write32(a, 0); // the revision id written by region() is not a bitmap
        b.memory.write8(a.value() + (0x3F8 >>> 3), 1 << (0x3F8 & 7));
        b.memory.write8(bb.value() + ((0xC000 & 0x7FFF) >>> 3), 1);
        b.w(IO_BITMAP_A, a.value());
        b.w(IO_BITMAP_B, bb.value());
        proc(Controls.PROC_USE_IO_BITMAPS | Controls.PROC_UNCONDITIONAL_IO_EXITING);
        b.run(new TestGuest(cpu -> {
            cpu.out8(0x80, 1);
            cpu.out8(0x3F8, 'x');
            cpu.out8(0x3F9, 0);
            cpu.out16(0x3F7, 0); // covers 0x3F7 and 0x3F8: exits
            cpu.in8(0xC000);
        }));
        assertThat(b.exits).hasSize(3);
        assertThat(b.qualifications).extracting(ExitQualification::ioPort).containsExactly(0x3F8, 0x3F7, 0xC000);
    }

    @Test
    void rdmsrAndWrmsrExitWithReasons31And32WithoutMsrBitmaps() {
        proc(0);
        b.onExit = (v, r) -> {
            if (r == ExitReason.RDMSR) {
                v.setGpr(Vcpu.RAX, 0x1111);
                v.setGpr(Vcpu.RDX, 0x2);
            }
        };
        long[] v = new long[1];
        b.run(new TestGuest(cpu -> {
            v[0] = cpu.rdmsr(X86.MSR_IA32_APIC_BASE);
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        }));
        assertThat(b.exits).containsExactly(ExitReason.RDMSR, ExitReason.WRMSR);
        assertThat(v[0]).isEqualTo(0x2_0000_1111L);
    }

    @Test
    void msrBitmapsMakeOnlyTheMarkedAccessesExit() {
        Hpa bitmap = b.region();
        b.memory.write32(bitmap, 0);
        int tscDeadline = X86.MSR_IA32_TSC_DEADLINE;
        b.memory.write8(bitmap.value() + 2048 + (tscDeadline >>> 3), 1 << (tscDeadline & 7)); // write-low bitmap
        b.w(MSR_BITMAPS, bitmap.value());
        proc(Controls.PROC_USE_MSR_BITMAPS);
        long[] v = new long[1];
        b.run(new TestGuest(cpu -> {
            cpu.wrmsr(0x3A, 7); // not marked: the guest's own MSR
            v[0] = cpu.rdmsr(0x3A);
            cpu.rdmsr(tscDeadline); // read not marked
            cpu.wrmsr(tscDeadline, 99); // write marked
            cpu.rdmsr(0x4000_0000); // outside both ranges: always exits
        }));
        assertThat(b.exits).containsExactly(ExitReason.WRMSR, ExitReason.RDMSR);
        assertThat(v[0]).isEqualTo(7);
    }

    @Test
    void cpuidAndVmcallExitUnconditionally() {
        proc(0);
        b.onExit = (v, r) -> v.setGpr(Vcpu.RBX, 0x756E_6547);
        int[] regs = new int[4];
        b.run(new TestGuest(cpu -> {
            cpu.cpuid(0, 0, regs);
            cpu.vmcall(0, 0);
        }));
        assertThat(b.exits).containsExactly(ExitReason.CPUID, ExitReason.VMCALL);
        assertThat(regs[1]).isEqualTo(0x756E_6547);
    }

    @Test
    void cr3LoadExitingCausesReason28WithTheCrQualification() {
        proc(Controls.PROC_CR3_LOAD_EXITING);
        b.run(new TestGuest(cpu -> cpu.movToCr(3, 0x5000)));
        assertThat(b.exits).containsExactly(ExitReason.CR_ACCESS);
        // SDM Table 28-3: CR 3, access type 0 (MOV to CR), register 0 (RAX).
        assertThat(b.qualifications.get(0)).isEqualTo(3);
    }

    @Test
    void withoutCr3LoadExitingMovToCr3DoesNotExit() {
        proc(0);
        long[] v = new long[1];
        b.run(new TestGuest(cpu -> {
            cpu.movToCr(3, 0x5000);
            v[0] = cpu.movFromCr(3);
        }));
        assertThat(b.exits).isEmpty();
        assertThat(v[0]).isEqualTo(0x5000);
    }

    @Test
    void hostOwnedCr0BitExitsWhenTheGuestChangesIt() {
        proc(0);
        b.w(CR0_GUEST_HOST_MASK, X86.CR0_WP);
        b.w(CR0_READ_SHADOW, 0);
        b.run(new TestGuest(cpu -> {
            cpu.movToCr(0, 0x10); // WP unchanged relative to the shadow: no exit
            cpu.movToCr(0, 0x10 | X86.CR0_WP);
        }));
        assertThat(b.exits).containsExactly(ExitReason.CR_ACCESS);
        assertThat(b.qualifications.get(0)).isEqualTo(0);
    }

    @Test
    void interruptWindowExitingExitsWithReason7OnceTheGuestEnablesInterrupts() {
        proc(Controls.PROC_INTERRUPT_WINDOW_EXITING);
        b.onExit = (v, r) -> v.vmwrite(PRIMARY_PROCESSOR_CONTROLS,
                v.vmread(PRIMARY_PROCESSOR_CONTROLS) & ~Controls.PROC_INTERRUPT_WINDOW_EXITING);
        b.skip = false;
        boolean[] exitedBeforeSti = new boolean[1];
        b.run(new TestGuest(cpu -> {
            cpu.out8(0x80, 0);
            exitedBeforeSti[0] = !b.exits.isEmpty();
            cpu.sti();
        }));
        assertThat(exitedBeforeSti[0]).isFalse();
        assertThat(b.exits).containsExactly(ExitReason.INTERRUPT_WINDOW);
    }

    @Test
    void rdtscExitingCausesReason16() {
        proc(Controls.PROC_RDTSC_EXITING);
        b.run(new TestGuest(cpu -> cpu.rdtsc()));
        assertThat(b.exits).containsExactly(ExitReason.RDTSC);
    }

    @Test
    void invlpgExitingCausesReason14WithTheLinearAddress() {
        proc(Controls.PROC_INVLPG_EXITING);
        b.run(new TestGuest(cpu -> cpu.invlpg(0x7000)));
        assertThat(b.exits).containsExactly(ExitReason.INVLPG);
        assertThat(b.qualifications.get(0)).isEqualTo(0x7000);
    }

    @Test
    void pageFaultInTheExceptionBitmapExitsWithReason0() {
        proc(0);
        b.w(EXCEPTION_BITMAP, 1 << X86.VECTOR_PF);
        b.w(GUEST_CR0, X86.CR0_PE | X86.CR0_PG | 0x10);
        b.w(GUEST_CR4, X86.CR4_PAE);
        b.w(GUEST_CR3, 0x1000); // an empty PML4: every linear address is not present
        b.onExit = (v, r) -> v.stop("test done");
        TestGuest g = new TestGuest(cpu -> cpu.read8(0x1234_5000L));
        b.run(g);
        assertThat(b.exits).containsExactly(ExitReason.EXCEPTION_OR_NMI);
        assertThat(b.qualifications.get(0)).isEqualTo(0x1234_5000L);
        assertThat((int) b.r(VM_EXIT_INTERRUPTION_INFO))
                .isEqualTo(InterruptionInfo.of(InterruptionInfo.TYPE_HARDWARE_EXCEPTION, 14, true));
        assertThat(b.r(VM_EXIT_INTERRUPTION_ERROR_CODE)).isEqualTo(0);
        assertThat(g.events).isEmpty();
    }

    @Test
    void unmappedGuestPhysicalAddressCausesReason48() {
        proc(0);
        b.skip = false;
        b.onExit = (v, r) -> {
            if (r == ExitReason.EPT_VIOLATION) {
                b.mapRam(v.vmread(GUEST_PHYSICAL_ADDRESS) & ~0xFFFL, 1);
            }
        };
        b.run(new TestGuest(cpu -> cpu.read8(0x80_0000)));
        assertThat(b.exits).containsExactly(ExitReason.EPT_VIOLATION);
        assertThat(b.r(GUEST_PHYSICAL_ADDRESS)).isEqualTo(0x80_0000);
    }

    @Test
    void misconfiguredEptEntryCausesReason49() {
        proc(0);
        long entry = b.ept.leafEntryAddress(Gpa.of(0x3000));
        b.memory.write64(entry, (b.memory.read64(entry) & ~EptEntry.RWX) | EptEntry.WRITE); // write without read
        b.onExit = (v, r) -> v.stop("misconfigured");
        b.run(new TestGuest(cpu -> cpu.read8(0x3000)));
        assertThat(b.exits).containsExactly(ExitReason.EPT_MISCONFIG);
        assertThat(b.r(GUEST_PHYSICAL_ADDRESS)).isEqualTo(0x3000);
        assertThat(b.vcpu.mmu().misconfigReason).contains("write permission without read");
        assertThat(b.vcpu.stopped()).isTrue();
    }

    @Test
    void theVmxPreemptionTimerCausesReason52AfterItsCountOfOperations() {
        b.controls(Controls.PIN_ACTIVATE_PREEMPTION_TIMER, Controls.PROC_ACTIVATE_SECONDARY, SEC, 0, 0);
        b.w(VMX_PREEMPTION_TIMER_VALUE, 3);
        b.skip = false;
        int[] opsBeforeExit = new int[1];
        b.onExit = (v, r) -> v.vmwrite(VMX_PREEMPTION_TIMER_VALUE, 1_000);
        b.run(new TestGuest(cpu -> {
            for (int i = 0; i < 5; i++) {
                if (b.exits.isEmpty()) {
                    opsBeforeExit[0]++;
                }
                cpu.read8(0x100);
            }
        }));
        assertThat(b.exits).containsExactly(ExitReason.PREEMPTION_TIMER);
        assertThat(opsBeforeExit[0]).isEqualTo(4); // 3 operations run; the 4th exits first, then runs
    }
}
