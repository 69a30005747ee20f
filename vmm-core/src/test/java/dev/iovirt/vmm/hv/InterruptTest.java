package dev.iovirt.vmm.hv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.io.PioDevice;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.TestHost;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterruptTest {
    private final TestHost t = new TestHost();
    private final Vm vm = t.vm(VmConfig.of("irq", 16L << 20));
    private final List<String> trace = new ArrayList<>();

    private TestGuest eoiGuest(java.util.function.Consumer<dev.iovirt.vmm.arch.GuestCpu> program) {
        TestGuest g = new TestGuest(program);
        g.onInterrupt = cpu -> {
            trace.add("irq");
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        };
        return g;
    }

    @Test
    void anMsiWakesAHaltedGuestAndIsInjectedAtEntry() {
        TestGuest g = eoiGuest(cpu -> cpu.sti());
        vm.load(g);
        t.driver.runUntilIdle();
        assertThat(vm.vcpu(0).vcpu().halted()).isTrue();
        vm.signalMsi(Msi.address(0), Msi.data(0x41));
        t.driver.runUntilIdle();
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0x41);
        assertThat(vm.stats().injections).isEqualTo(1);
        assertThat(vm.vcpu(0).lapic().inService(0x41)).isFalse(); // EOI done
        assertThat(vm.vcpu(0).vcpu().halted()).isTrue();
    }

    @Test
    void withInterruptsDisabledTheVmmWaitsForTheInterruptWindow() {
        vm.ioBus().register(0x600, 1, new PioDevice() {
            @Override
            public int ioRead(int offset, int size) {
                return 0;
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                vm.signalMsi(Msi.address(0), Msi.data(0x50)); // a device raising an interrupt
            }
        });
        List<ExitReason> exits = new ArrayList<>();
        vm.setExitObserver((v, r, q, g) -> exits.add(r));
        vm.load(eoiGuest(cpu -> {
            cpu.cli();
            cpu.out8(0x600, 1);
            trace.add("still cli");
            cpu.sti();
            trace.add("after sti");
        }));
        t.driver.runUntilIdle();
        assertThat(trace).containsExactly("still cli", "irq", "after sti");
        assertThat(exits).containsSubsequence(ExitReason.IO_INSTRUCTION, ExitReason.INTERRUPT_WINDOW);
    }

    @Test
    void aHigherPriorityClassPreemptsAndALowerOneWaitsForEoi() {
        vm.load(new TestGuest(cpu -> cpu.sti()));
        t.driver.runUntilIdle();
        var lapic = vm.vcpu(0).lapic();
        lapic.acceptInterrupt(0x40);
        lapic.acknowledge(0x40);
        lapic.acceptInterrupt(0x45); // same class as the in-service 0x40: waits
        assertThat(lapic.highestDeliverable()).isEqualTo(-1);
        lapic.acceptInterrupt(0x61); // higher class: deliverable
        assertThat(lapic.highestDeliverable()).isEqualTo(0x61);
        lapic.writeMsr(X86.MSR_X2APIC_TPR, 0x70); // TPR masks class 6
        assertThat(lapic.highestDeliverable()).isEqualTo(-1);
        lapic.writeMsr(X86.MSR_X2APIC_TPR, 0);
        lapic.acknowledge(0x61);
        lapic.eoi(); // ends 0x61
        lapic.eoi(); // ends 0x40
        assertThat(lapic.highestDeliverable()).isEqualTo(0x45);
    }

    @Test
    void theLapicTimerWakesAHaltedGuestAtTheDeadlineInVirtualTime() {
        long[] firedAt = new long[1];
        TestGuest g = new TestGuest(cpu -> {
            cpu.wrmsr(X86.MSR_X2APIC_LVT_TIMER, X86.LVT_TIMER_TSC_DEADLINE | 0xEC);
            cpu.wrmsr(X86.MSR_IA32_TSC_DEADLINE, cpu.rdtsc() + 1_000_000);
            cpu.sti();
        });
        g.onInterrupt = cpu -> {
            firedAt[0] = cpu.rdtsc();
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        };
        vm.load(g);
        t.driver.runUntilIdle();
        assertThat(vm.vcpu(0).vcpu().halted()).isTrue();
        assertThat(g.events).isEmpty();
        t.driver.runUntil(10_000_000);
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0xEC);
        assertThat(firedAt[0]).isEqualTo(1_000_000);
        assertThat(t.clock.nanos()).isEqualTo(1_000_000);
    }

    @Test
    void aPostedInterruptReachesTheGuestWithoutAnExitOfItsOwn() {
        TestGuest g = eoiGuest(cpu -> cpu.sti());
        vm.load(g);
        t.driver.runUntilIdle();
        long exitsBefore = vm.stats().exits;
        var pi = vm.vcpu(0).postedInterruptDescriptor();
        vm.postInterrupt(0, 0x52);
        // SDM Vol. 3C §30.6: PIR bit 0x52 is bit 2 of byte 10; ON is bit 256 (byte 32, bit 0).
        var mem = t.host.memory();
        assertThat(mem.read8(pi.address().value() + 10)).isEqualTo(1 << 2);
        assertThat(mem.read8(pi.address().value() + 32) & 1).isEqualTo(1);
        assertThat(vm.stats().exits).isEqualTo(exitsBefore);
        t.driver.runUntilIdle();
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0x52);
        assertThat(vm.vcpu(0).posted()).isEqualTo(1);
        assertThat(pi.outstanding()).isFalse();
    }

    @Test
    void anMsiToAnAddressOutsideTheInterruptWindowIsDroppedAndCounted() {
        vm.load(new TestGuest(cpu -> cpu.sti()));
        t.driver.runUntilIdle();
        vm.signalMsi(0x1234_0000L, 0x40);
        vm.signalMsi(Msi.address(7), 0x40); // no vCPU with APIC ID 7
        assertThat(vm.droppedMsis()).isEqualTo(2);
        assertThat(vm.vcpu(0).lapic().anyPending()).isFalse();
    }

    @Test
    void anInterruptPostedWhileAnExitIsHandledIsDeliveredAtThatExitsResume() {
        vm.ioBus().register(0x601, 1, new PioDevice() {
            @Override
            public int ioRead(int offset, int size) {
                return 0;
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                vm.postInterrupt(0, 0x58); // e.g. an assigned device completing, through the IOMMU
            }
        });
        vm.load(eoiGuest(cpu -> {
            cpu.sti();
            cpu.out8(0x601, 1); // the doorbell
            trace.add("after doorbell");
        }));
        t.driver.runUntilIdle();
        assertThat(trace).containsExactly("irq", "after doorbell");
        assertThat(vm.vcpu(0).posted()).isEqualTo(1);
    }

    @Test
    void msisReachTheVcpuTheirDestinationIdNames() {
        TestHost two = new TestHost();
        Vm smp = two.vm(VmConfig.of("smp", 16L << 20).withVcpus(2));
        List<String> seen = new ArrayList<>();
        TestGuest g = new TestGuest(cpu -> cpu.sti());
        g.onInterrupt = cpu -> {
            seen.add("cpu" + cpu.vcpuIndex() + " apic " + cpu.rdmsr(X86.MSR_X2APIC_ID));
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        };
        smp.load(g);
        two.driver.runUntilIdle();
        smp.signalMsi(Msi.address(1), Msi.data(0x40));
        two.driver.runUntilIdle();
        smp.signalMsi(Msi.address(0), Msi.data(0x40));
        two.driver.runUntilIdle();
        assertThat(seen).containsExactly("cpu1 apic 1", "cpu0 apic 0");
    }

    @Test
    void aVcpuWakesAnotherWithAnIpiThroughTheX2apicIcr() {
        TestHost two = new TestHost();
        Vm smp = two.vm(VmConfig.of("ipi", 16L << 20).withVcpus(2));
        List<String> seen = new ArrayList<>();
        TestGuest g = new TestGuest(cpu -> {
            cpu.sti();
            if (cpu.vcpuIndex() == 0) {
                cpu.wrmsr(X86.MSR_X2APIC_ICR, (1L << 32) | 0x70); // fixed, physical, to APIC ID 1
                cpu.wrmsr(X86.MSR_X2APIC_ICR, (3L << 18) | 0x71); // all excluding self
            }
        });
        g.onInterrupt = cpu -> {
            seen.add("cpu" + cpu.vcpuIndex() + " got " + Integer.toHexString(g.events.get(g.events.size() - 1).vector()));
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        };
        smp.load(g);
        two.driver.runUntilIdle();
        assertThat(seen).containsExactly("cpu1 got 71", "cpu1 got 70");
        assertThat(smp.ipis()).isEqualTo(2);
    }
}
