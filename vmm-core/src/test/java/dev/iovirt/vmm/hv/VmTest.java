package dev.iovirt.vmm.hv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.ept.EptViolation;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.io.PioDevice;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.TestHost;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmTest {
    private final TestHost t = new TestHost();

    @Test
    void guestRamIsBackedOnFirstTouchAndChargedToTheVm() {
        Vm vm = t.vm(VmConfig.of("a", 256L << 20));
        long framesAtCreation = vm.account().frames();
        vm.load(new TestGuest(cpu -> {
            cpu.write64(0x1000, 1);
            cpu.write64(0x1008, 2); // same page: no new fault
            cpu.write64(0x80_0000, 3);
            cpu.read64(0x0FFF_F000L);
        }));
        t.driver.runUntilIdle();
        assertThat(vm.stopReason()).isNull();
        assertThat(vm.ramFaults()).isEqualTo(3);
        assertThat(vm.stats().exits(ExitReason.EPT_VIOLATION)).isEqualTo(3);
        assertThat(vm.memory().slots().get(0).backedPages()).isEqualTo(3);
        // 3 RAM frames plus the EPT tables they needed (a PDPT, PD and PT for the first 2 MiB, a PT for 8 MiB, a PD and PT near 256 MiB).
        assertThat(vm.account().frames() - framesAtCreation).isBetween(3L + 3, 3L + 6);
        assertThat(vm.dma().read64(Gpa.of(0x80_0000))).isEqualTo(3);
    }

    @Test
    void aThousandSparselyTouchedVmsOf256MiBUseLittleHostMemory() {
        TestHost big = new TestHost(4L << 30);
        List<Vm> vms = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            Vm vm = big.vm(VmConfig.of("vm" + i, 256L << 20));
            vm.load(new TestGuest(cpu -> cpu.write32(0x10_0000, 7)));
            vms.add(vm);
        }
        big.driver.runUntilIdle();
        assertThat(vms).allSatisfy(vm -> assertThat(vm.ramFaults()).isEqualTo(1));
        long declared = vms.stream().mapToLong(vm -> vm.memory().declaredBytes()).sum();
        assertThat(declared).isEqualTo(256L << 30); // 256 GiB declared on a 4 GiB host
        // Per VM: 1 RAM frame, 4 EPT tables (PML4, PDPT, PD, PT), VMXON, VMCS, 2 I/O bitmaps, MSR bitmap,
        // posted-interrupt descriptor, LAPIC page: 12 frames, 48 KiB, for 256 MiB declared.
        assertThat(big.host.memory().framesInUse()).isEqualTo(1024L * 12);
        assertThat(big.host.memory().framesMaterialized()).isLessThanOrEqualTo(1024L * 12);
    }

    @Test
    void hugePageBackingMapsTwoMegabytePagesInEpt() {
        Vm vm = t.vm(VmConfig.of("huge", 64L << 20).withBacking(PageSize.SIZE_2M));
        vm.load(new TestGuest(cpu -> {
            cpu.write8(0x20_0000, 1);
            cpu.write8(0x3F_F000, 1); // the same 2 MiB page
        }));
        t.driver.runUntilIdle();
        assertThat(vm.ramFaults()).isEqualTo(1);
        long leaf = vm.ept().leafEntry(Gpa.of(0x20_0000));
        assertThat(leaf & EptEntry.LARGE_PAGE).isNotZero();
    }

    @Test
    void aGuestTouchingMemoryBeyondItsRamIsStoppedWhileTheHostAndAnotherVmGoOn() {
        Vm bad = t.vm(VmConfig.of("bad", 16L << 20));
        Vm good = t.vm(VmConfig.of("good", 16L << 20));
        bad.load(new TestGuest(cpu -> cpu.read32(0x8000_0000L)));
        int[] goodProgress = new int[1];
        TestGuest goodGuest = new TestGuest(cpu -> {
            cpu.write32(0x1000, 1);
            cpu.sti();
        });
        goodGuest.onRun = cpu -> {
            goodProgress[0]++;
            cpu.write32(0x2000, goodProgress[0]);
            cpu.hlt();
        };
        good.load(goodGuest);
        t.driver.runUntilIdle();
        assertThat(bad.stopped()).isTrue();
        assertThat(bad.stopReason()).contains("GPA 0x80000000").contains("beyond its memory").contains("read");
        assertThat(good.stopped()).isFalse();
        // The good VM keeps running: an interrupt wakes it and it does more work.
        good.signalMsi(dev.iovirt.vmm.apic.Msi.address(0), 0x40);
        t.driver.runUntilIdle();
        assertThat(good.stopped()).isFalse();
        assertThat(goodProgress[0]).isEqualTo(1);
        assertThat(good.dma().read32(Gpa.of(0x2000))).isEqualTo(1);
        assertThat(bad.vcpu(0).vcpu().stopped()).isTrue();
        assertThat(t.host.vms()).hasSize(2);
    }

    @Test
    void aGuestWritingAnEptReadOnlyPageExitsWithTheWriteQualification() {
        Vm vm = t.vm(VmConfig.of("dirty", 16L << 20));
        List<Long> qualifications = new ArrayList<>();
        vm.setExitObserver((v, reason, q, gpa) -> {
            if (reason == ExitReason.EPT_VIOLATION && gpa == 0x5010) {
                qualifications.add(q);
            }
        });
        TestGuest guest = new TestGuest(cpu -> {
            cpu.write8(0x5000, 1); // first touch maps it RWX
            cpu.sti();
        });
        guest.onRun = cpu -> {
            cpu.write8(0x5010, 2);
            cpu.hlt();
        };
        vm.load(guest);
        t.driver.runUntilIdle();
        vm.writeProtect(Gpa.of(0x5000));
        assertThat(vm.ept().leafEntry(Gpa.of(0x5000)) & EptEntry.RWX).isEqualTo(EptEntry.READ | EptEntry.EXECUTE);
        vm.signalMsi(dev.iovirt.vmm.apic.Msi.address(0), 0x40); // wake it for one more slice
        t.driver.runUntilIdle();
        assertThat(qualifications).containsExactly(EptViolation.DATA_WRITE | EptViolation.READABLE | EptViolation.EXECUTABLE
                | EptViolation.GLA_VALID | EptViolation.GLA_TRANSLATION);
        assertThat(vm.dirtyPages()).containsExactly(0x5000L);
        assertThat(vm.dma().read8(Gpa.of(0x5010))).isEqualTo(2);
        assertThat(vm.stopped()).isFalse();
    }

    @Test
    void doorbellWritesDeclaredAsIoEventFdsAreInKernelExits() {
        Vm vm = t.vm(VmConfig.of("kick", 16L << 20));
        long base = 0xF000_0000L;
        List<Long> kicks = new ArrayList<>();
        vm.mmioBus().register(base, 0x2000, new MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                return 0;
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
                kicks.add(offset);
            }

            @Override
            public boolean isIoEventFd(long offset) {
                return offset >= 0x1000; // the second page is the notify region
            }
        });
        vm.load(new TestGuest(cpu -> {
            cpu.write16(base + 0x1000, 0);  // a kick: in-kernel
            cpu.write16(base + 0x1004, 1);  // another kick
            cpu.write32(base + 0x10, 5);    // a register write: user space
            cpu.read16(base + 0x1000);      // reads are never doorbells: user space
        }));
        t.driver.runUntilIdle();
        var s = vm.stats();
        assertThat(kicks).containsExactly(0x1000L, 0x1004L, 0x10L);
        assertThat(s.userSpaceExits).isEqualTo(2);
        assertThat(s.inKernelExits).isEqualTo(3); // two kicks and the final HLT
    }

    @Test
    void inKernelAndUserSpaceExitsAreCountedApartAndCosted() {
        Vm vm = t.vm(VmConfig.of("count", 16L << 20));
        int[] written = new int[1];
        vm.ioBus().register(0x500, 1, new PioDevice() {
            @Override
            public int ioRead(int offset, int size) {
                return 0x42;
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                written[0] = value;
            }
        });
        int[] regs = new int[4];
        int[] in = new int[1];
        vm.load(new TestGuest(cpu -> {
            cpu.cpuid(0, 0, regs);
            cpu.vmcall(0, 0);
            cpu.out8(0x500, 9);
            in[0] = cpu.in8(0x500);
        }));
        t.driver.runUntilIdle();
        var s = vm.stats();
        assertThat(s.userSpaceExits).isEqualTo(2);
        assertThat(s.inKernelExits).isEqualTo(3); // CPUID, VMCALL, HLT
        assertThat(s.hypercalls).isEqualTo(1);
        assertThat(written[0]).isEqualTo(9);
        assertThat(in[0]).isEqualTo(0x42);
        assertThat(regs[1]).isEqualTo(0x756E_6547); // "Genu"
        assertThat(vm.modeledCycles()).isEqualTo(1_300 + 2 * 2_600 + 2 * 6_700);
    }

    @Test
    void unknownMsrsAndTurningOnVmxGetAGeneralProtectionFault() {
        Vm vm = t.vm(VmConfig.of("gp", 16L << 20));
        TestGuest g = new TestGuest(cpu -> {
            cpu.wrmsr(0x1234, 1);
            cpu.movToCr(4, dev.iovirt.vmm.arch.X86.CR4_VMXE);
        });
        vm.load(g);
        t.driver.runUntilIdle();
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(13, 13);
        assertThat(g.events).extracting(TestGuest.Event::errorCode).containsExactly(0L, 0L);
        assertThat(vm.stopped()).isFalse();
    }

    @Test
    void cpuidAnnouncesTheHypervisorAndX2apic() {
        Vm vm = t.vm(VmConfig.of("cpuid", 16L << 20));
        int[] leaf1 = new int[4];
        int[] hv = new int[4];
        vm.load(new TestGuest(cpu -> {
            cpu.cpuid(1, 0, leaf1);
            cpu.cpuid(0x4000_0000, 0, hv);
        }));
        t.driver.runUntilIdle();
        assertThat(leaf1[2] & (1 << 21)).isNotZero(); // x2APIC
        assertThat(leaf1[2] & (1 << 31)).isNotZero(); // hypervisor present
        byte[] sig = new byte[12];
        for (int i = 0; i < 4; i++) {
            sig[i] = (byte) (hv[1] >>> (8 * i));
            sig[4 + i] = (byte) (hv[2] >>> (8 * i));
            sig[8 + i] = (byte) (hv[3] >>> (8 * i));
        }
        assertThat(new String(sig, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IOVIRTIOVIRT");
    }

    @Test
    void aVmTheHostCannotBackIsStoppedAndTheHostGoesOn() {
        TestHost small = new TestHost(4L << 20); // 1,024 frames in all
        Vm hungry = small.vm(VmConfig.of("hungry", 64L << 20));
        hungry.load(new TestGuest(cpu -> {
            for (long a = 0; a < (8L << 20); a += 4096) {
                cpu.write8(a, 1);
            }
        }));
        small.driver.runUntilIdle();
        assertThat(hungry.stopped()).isTrue();
        assertThat(hungry.stopReason()).contains("host out of memory");
    }

    @Test
    void destroyingAVmReturnsEveryFrameItHeld() {
        long before = t.host.memory().framesInUse();
        Vm vm = t.vm(VmConfig.of("gone", 64L << 20).withVcpus(2));
        vm.load(new TestGuest(cpu -> {
            for (long a = 0; a < (1L << 20); a += 4096) {
                cpu.write8(a, 1);
            }
        }));
        t.driver.runUntilIdle();
        assertThat(vm.ramFaults()).isEqualTo(256); // both vCPUs touch the same 256 pages; only the first touch faults
        assertThat(t.host.memory().framesInUse() - before).isEqualTo(vm.account().frames());
        vm.destroy();
        assertThat(vm.account().frames()).isZero();
        assertThat(t.host.memory().framesInUse()).isEqualTo(before);
        assertThat(vm.stopped()).isTrue();
        t.driver.runUntilIdle(); // its runners are quiet for good
    }

    @Test
    void aGuestThatRecursesWithoutEndStopsItsVmNotTheHost() {
        Vm vm = t.vm(VmConfig.of("deep", 16L << 20));
        vm.load(new TestGuest(new java.util.function.Consumer<dev.iovirt.vmm.arch.GuestCpu>() {
            @Override
            public void accept(dev.iovirt.vmm.arch.GuestCpu cpu) {
                accept(cpu);
            }
        }));
        t.driver.runUntilIdle();
        assertThat(vm.stopped()).isTrue();
        assertThat(vm.stopReason()).contains("StackOverflowError");
        assertThat(vm.stats().toString()).contains("exits 0");
    }

    @Test
    void pageTablesPointingAtADeviceStopTheVmWithAReason() {
        Vm vm = t.vm(VmConfig.of("cr3", 16L << 20));
        vm.mmioBus().register(0xC000_0000L, 4096, new dev.iovirt.vmm.io.MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                return 0x1003; // looks like a present table entry
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
            }
        });
        vm.load(new TestGuest(cpu -> {
            cpu.wrmsr(dev.iovirt.vmm.arch.X86.MSR_IA32_EFER, dev.iovirt.vmm.arch.X86.EFER_LME);
            cpu.movToCr(4, dev.iovirt.vmm.arch.X86.CR4_PAE);
            cpu.movToCr(3, 0xC000_0000L); // CR3 at a device's BAR
            cpu.movToCr(0, dev.iovirt.vmm.arch.X86.CR0_PE | dev.iovirt.vmm.arch.X86.CR0_PG);
            cpu.read8(0x5000);
        }));
        t.driver.runUntilIdle();
        assertThat(vm.stopReason()).contains("page tables reference GPA 0xc0000000").contains("not RAM");
    }

    @Test
    void theVmxPreemptionTimerPreemptsALongSliceAndTheGuestCarriesOn() {
        Vm vm = t.vm(VmConfig.of("busy", 16L << 20));
        vm.setPreemptionQuantum(1_000);
        long[] sum = new long[1];
        vm.load(new TestGuest(cpu -> {
            for (int i = 0; i < 10_000; i++) {
                sum[0] += cpu.read8(0x1000);
            }
        }));
        t.driver.runUntilIdle();
        assertThat(vm.stopped()).isFalse();
        // After the first read's EPT violation the timer restarts at 1,000; every 1,001st operation then
        // exits and reloads it: the remaining 9,999 reads and the HLT make 9 preemptions.
        assertThat(vm.stats().exits(ExitReason.PREEMPTION_TIMER)).isEqualTo(9);
        assertThat(sum[0]).isZero();
    }

    @Test
    void ramBeyondThreeGigabytesLivesAboveTheHoleAndTheHoleIsNotRam() {
        TestHost big = new TestHost(1L << 30);
        Vm vm = big.vm(VmConfig.of("big", 4L << 30)); // declared 4 GiB on a 1 GiB host: backed on touch
        vm.load(new TestGuest(cpu -> {
            cpu.write64(0x1_0000_0000L + 0x1000, 42); // high memory
            cpu.write64(0xBFFF_F000L, 7); // the last low page
            cpu.read64(0xC000_0000L); // the hole: nothing there
        }));
        big.driver.runUntilIdle();
        assertThat(vm.memory().slots()).hasSize(2);
        assertThat(vm.memory().slots().get(1).base().value()).isEqualTo(0x1_0000_0000L);
        assertThat(vm.memory().slots().get(1).size()).isEqualTo(1L << 30);
        assertThat(vm.dma().read64(Gpa.of(0x1_0000_1000L))).isEqualTo(42);
        assertThat(vm.stopReason()).contains("GPA 0xc0000000").contains("0x0-0xbfffffff, 0x100000000-0x13fffffff");
        assertThat(vm.ramFaults()).isEqualTo(2);
    }

    @Test
    void aDestroyedVmsTimersAndInterruptsNeverTouchTheFramesItGaveBack() {
        Vm vm = t.vm(VmConfig.of("short-lived", 16L << 20));
        vm.load(new TestGuest(cpu -> {
            cpu.wrmsr(dev.iovirt.vmm.arch.X86.MSR_X2APIC_LVT_TIMER, dev.iovirt.vmm.arch.X86.LVT_TIMER_TSC_DEADLINE | 0xEC);
            cpu.wrmsr(dev.iovirt.vmm.arch.X86.MSR_IA32_TSC_DEADLINE, 1_000_000);
            cpu.sti();
        }));
        t.driver.runUntilIdle();
        Hpa lapicPage = vm.vcpu(0).lapic().page();
        vm.destroy();
        Vm next = t.vm(VmConfig.of("next", 16L << 20)); // reuses the freed frames
        long before = t.host.memory().read64(lapicPage.value() + dev.iovirt.vmm.apic.Lapic.IRR + 0x70);
        vm.signalMsi(dev.iovirt.vmm.apic.Msi.address(0), 0xEE);
        vm.postInterrupt(0, 0xEE);
        t.driver.runUntil(5_000_000);
        assertThat(vm.vcpu(0).lapic().timerFirings()).isZero();
        assertThat(t.host.memory().read64(lapicPage.value() + dev.iovirt.vmm.apic.Lapic.IRR + 0x70)).isEqualTo(before);
        assertThat(next.stopped()).isFalse();
    }
}
