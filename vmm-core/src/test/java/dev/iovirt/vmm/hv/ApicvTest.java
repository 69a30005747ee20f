package dev.iovirt.vmm.hv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.TestHost;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VMM with APIC virtualization: interrupts reach the guest without injection, EOIs without exits. */
class ApicvTest {
    private final TestHost t = new TestHost();
    private final Vm vm = t.vm(VmConfig.of("apicv", 16L << 20).withApicv(true));
    private final List<String> trace = new ArrayList<>();

    private TestGuest guest(java.util.function.Consumer<dev.iovirt.vmm.arch.GuestCpu> program) {
        TestGuest g = new TestGuest(program);
        g.onInterrupt = cpu -> {
            trace.add("irq " + Integer.toHexString(g.events.get(g.events.size() - 1).vector()));
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        };
        return g;
    }

    @Test
    void anMsiIsDeliveredVirtuallyAndItsEoiDoesNotExit() {
        vm.load(guest(cpu -> cpu.sti()));
        t.driver.runUntilIdle();
        vm.signalMsi(Msi.address(0), Msi.data(0x41));
        t.driver.runUntilIdle();
        assertThat(trace).containsExactly("irq 41");
        var s = vm.stats();
        assertThat(s.injections).isZero();
        assertThat(s.virtualInterruptsDelivered).isEqualTo(1);
        assertThat(s.exits(ExitReason.WRMSR)).isZero(); // the EOI was virtualized
        assertThat(vm.vcpu(0).lapic().inService(0x41)).isFalse();
        assertThat(vm.vcpu(0).vcpu().halted()).isTrue();
    }

    @Test
    void theTimerWorksUnderApicvAndOnlyProgrammingItExits() {
        vm.load(guest(cpu -> {
            cpu.wrmsr(X86.MSR_X2APIC_LVT_TIMER, X86.LVT_TIMER_TSC_DEADLINE | 0xEC);
            cpu.wrmsr(X86.MSR_IA32_TSC_DEADLINE, cpu.rdtsc() + 500_000);
            cpu.sti();
        }));
        t.driver.runUntil(1_000_000);
        assertThat(trace).containsExactly("irq ec");
        assertThat(t.clock.nanos()).isEqualTo(500_000);
        assertThat(vm.stats().exits(ExitReason.WRMSR)).isEqualTo(2); // LVT timer and TSC deadline, not the EOI
    }

    @Test
    void anInterruptPostedWhileTheGuestRunsIsProcessedByTheProcessorWithoutAnExit() {
        long[] exitsAround = new long[2];
        vm.load(guest(cpu -> {
            cpu.sti();
            exitsAround[0] = vm.stats().exits;
            vm.postInterrupt(0, 0x52); // another CPU (an IOMMU) posts while this vCPU is in non-root operation
            cpu.read8(0x1000);
            trace.add("after");
            exitsAround[1] = vm.stats().exits;
        }));
        t.driver.runUntilIdle();
        assertThat(trace).containsExactly("irq 52", "after");
        assertThat(exitsAround[1] - exitsAround[0]).isEqualTo(1); // the read's first-touch EPT violation only
        assertThat(vm.vcpu(0).vcpu().stats().postedInterruptsProcessed).isEqualTo(1);
        assertThat(vm.stats().exits(ExitReason.EXTERNAL_INTERRUPT)).isZero();
        assertThat(vm.vcpu(0).postedInterruptDescriptor().outstanding()).isFalse();
    }

    @Test
    void aHigherPriorityVirtualInterruptIsDeliveredFirst() {
        vm.load(guest(cpu -> cpu.sti()));
        t.driver.runUntilIdle();
        vm.signalMsi(Msi.address(0), Msi.data(0x45));
        vm.signalMsi(Msi.address(0), Msi.data(0x81));
        t.driver.runUntilIdle();
        assertThat(trace).containsExactly("irq 81", "irq 45");
    }
}
