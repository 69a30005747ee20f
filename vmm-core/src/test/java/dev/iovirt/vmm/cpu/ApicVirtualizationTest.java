package dev.iovirt.vmm.cpu;

import static dev.iovirt.vmm.vmx.VmcsField.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.VmxBench;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vmm.vmx.InterruptionInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** External interrupts in non-root operation, posted-interrupt processing and virtual-interrupt delivery. */
class ApicVirtualizationTest {
    private static final int NOTIFICATION = 0xF2;
    private final VmxBench b = new VmxBench();
    private final List<String> trace = new ArrayList<>();

    @Test
    void externalInterruptExitingCausesReason1WithTheAcknowledgedVector() {
        b.ready();
        b.mapRam(0, 16);
        b.controls(Controls.PIN_EXTERNAL_INTERRUPT_EXITING, Controls.PROC_ACTIVATE_SECONDARY,
                Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST, Controls.EXIT_ACK_INTERRUPT_ON_EXIT, 0);
        b.skip = false;
        TestGuest g = new TestGuest(cpu -> {
            b.vcpu.raiseExternalInterrupt(0x30); // another CPU's IPI arrives while the guest runs
            cpu.read8(0x100);
        });
        b.run(g);
        assertThat(b.exits).containsExactly(ExitReason.EXTERNAL_INTERRUPT);
        assertThat((int) b.r(VM_EXIT_INTERRUPTION_INFO))
                .isEqualTo(InterruptionInfo.of(InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, 0x30, false));
        assertThat(g.events).isEmpty();
    }

    @Test
    void withoutExternalInterruptExitingTheInterruptGoesThroughTheGuestIdt() {
        b.ready();
        b.mapRam(0, 16);
        TestGuest g = new TestGuest(cpu -> {
            cpu.sti();
            b.vcpu.raiseExternalInterrupt(0x30);
            cpu.read8(0x100);
        });
        b.run(g);
        assertThat(b.exits).isEmpty();
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0x30);
    }

    private PostedInterruptDescriptor postedInterruptSetup() {
        b.ready();
        b.mapRam(0, 16);
        Hpa vapic = b.memory.allocateFrame(b.account);
        Hpa pid = b.memory.allocateFrame(b.account);
        Hpa msrBitmap = b.memory.allocateFrame(b.account); // all zero: x2APIC EOI/TPR writes do not exit
        b.w(VIRTUAL_APIC_ADDRESS, vapic.value());
        b.w(POSTED_INTERRUPT_DESCRIPTOR, pid.value());
        b.w(POSTED_INTERRUPT_NOTIFICATION_VECTOR, NOTIFICATION);
        b.w(MSR_BITMAPS, msrBitmap.value());
        b.controls(Controls.PIN_EXTERNAL_INTERRUPT_EXITING | Controls.PIN_PROCESS_POSTED_INTERRUPTS,
                Controls.PROC_ACTIVATE_SECONDARY | Controls.PROC_USE_TPR_SHADOW | Controls.PROC_USE_MSR_BITMAPS,
                Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST | Controls.SEC_VIRTUALIZE_X2APIC
                        | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY,
                Controls.EXIT_ACK_INTERRUPT_ON_EXIT, 0);
        return new PostedInterruptDescriptor(b.memory, pid);
    }

    @Test
    void aPostedInterruptIsProcessedAndDeliveredWithoutAnyExit() {
        PostedInterruptDescriptor pi = postedInterruptSetup();
        TestGuest g = new TestGuest(cpu -> {
            cpu.sti();
            assertThat(pi.post(0x61)).isTrue(); // the IOMMU posts and must notify
            assertThat(pi.post(0x45)).isFalse(); // ON already set: no second notification
            b.vcpu.raiseExternalInterrupt(NOTIFICATION);
            cpu.read8(0x100);
            trace.add("after");
        });
        g.onInterrupt = cpu -> {
            trace.add("irq " + Integer.toHexString(g.events.get(g.events.size() - 1).vector()));
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0); // EOI virtualization: no exit
        };
        b.run(g);
        assertThat(b.exits).isEmpty();
        // 0x61 first (higher class); 0x45 is delivered once 0x61's EOI and IRET reopen the window.
        assertThat(trace).containsExactly("irq 61", "irq 45", "after");
        assertThat(pi.outstanding()).isFalse();
        assertThat(pi.requested(0x61)).isFalse();
        assertThat(b.vcpu.stats().postedInterruptsProcessed).isEqualTo(1);
        assertThat(b.vcpu.stats().virtualInterruptsDelivered).isEqualTo(2);
        assertThat(b.r(GUEST_INTERRUPT_STATUS)).isZero(); // RVI and SVI back to 0
    }

    @Test
    void aVirtualInterruptWaitsWhileTheGuestHasInterruptsDisabledOrTprMasksIt() {
        PostedInterruptDescriptor pi = postedInterruptSetup();
        TestGuest g = new TestGuest(cpu -> {
            cpu.wrmsr(X86.MSR_X2APIC_TPR, 0x70); // virtualized TPR masks class 6 and below
            pi.post(0x61);
            b.vcpu.raiseExternalInterrupt(NOTIFICATION);
            cpu.read8(0x100);
            cpu.sti();
            trace.add("sti with TPR 0x70");
            cpu.wrmsr(X86.MSR_X2APIC_TPR, 0);
            trace.add("TPR 0");
        });
        g.onInterrupt = cpu -> {
            trace.add("irq");
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        };
        b.run(g);
        assertThat(b.exits).isEmpty();
        assertThat(trace).containsExactly("sti with TPR 0x70", "irq", "TPR 0");
    }
}
