package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.pci.MsiSink;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Posted interrupts: an assigned device's MSI reaches a running vCPU through its PI descriptor, with no VM exit. */
class PostedInterruptTest {
    private final Rig rig = new Rig();
    private final Vm vm = rig.vm(VmConfig.of("assigned", 16L << 20).withApicv(true));
    private final List<Integer> taken = new ArrayList<>();

    PostedInterruptTest() {
        rig.iommu.setPostedInterruptTarget(new VmPostedInterrupts(rig.memory).register(vm));
    }

    private GuestCode guest(Consumer<GuestCpu> program) {
        return new GuestCode() {
            @Override
            public void reset(GuestCpu cpu) {
                program.accept(cpu);
                cpu.hlt();
            }

            @Override
            public void interrupt(GuestCpu cpu, int vector, long errorCode) {
                taken.add(vector);
                cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
            }

            @Override
            public void run(GuestCpu cpu) {
                cpu.hlt();
            }
        };
    }

    @Test
    void aPostedInterruptSetsPirAndOnAndReachesARunningVcpuWithoutAnExit() {
        PostedInterruptDescriptor pi = vm.vcpu(0).postedInterruptDescriptor();
        MsiMessage m = rig.iommu.interruptRemapper().post(Rig.NIC, pi.address(), 0x52, false);
        MsiSink nic = rig.iommu.interruptRemapper().msiSinkFor(Rig.NIC);
        long[] exits = new long[2];
        boolean[] seen = new boolean[2];
        vm.load(guest(cpu -> {
            cpu.sti();
            cpu.read8(0x1000); // touch a page first so that the only exit is behind us
            exits[0] = vm.stats().exits;
            nic.signal(m.address(), m.data()); // the device's MSI, while this vCPU is in non-root operation
            seen[0] = pi.requested(0x52); // the IOMMU set the PIR bit ...
            seen[1] = pi.outstanding(); // ... and ON; the processor has not yet reached an instruction boundary
            cpu.read8(0x1004); // the next instruction boundary: the processor takes the notification
            exits[1] = vm.stats().exits;
        }));
        rig.driver.runUntilIdle();

        assertThat(taken).containsExactly(0x52);
        assertThat(seen).containsExactly(true, true);
        assertThat(exits[1] - exits[0]).isZero();
        assertThat(vm.stats().exits(ExitReason.EXTERNAL_INTERRUPT)).isZero();
        assertThat(vm.vcpu(0).vcpu().stats().postedInterruptsProcessed).isEqualTo(1);
        assertThat(pi.outstanding()).isFalse();
        assertThat(rig.iommu.stats().interruptsPosted).isEqualTo(1);
        assertThat(rig.iommu.stats().postNotifications).isEqualTo(1);
    }

    @Test
    void aPostWhileOnIsSetSendsNoSecondNotification() {
        PostedInterruptDescriptor pi = vm.vcpu(0).postedInterruptDescriptor();
        var ir = rig.iommu.interruptRemapper();
        MsiMessage a = ir.post(Rig.NIC, pi.address(), 0x52, false);
        MsiMessage b = ir.post(Rig.NIC, vm.vcpu(0), 0x53);
        MsiSink nic = ir.msiSinkFor(Rig.NIC);
        // The vCPU has not run: both posts land in the PIR; only the first sets ON and notifies.
        nic.signal(a.address(), a.data());
        nic.signal(b.address(), b.data());
        assertThat(pi.requested(0x52)).isTrue();
        assertThat(pi.requested(0x53)).isTrue();
        assertThat(pi.outstanding()).isTrue();
        assertThat(rig.iommu.stats().postNotifications).isEqualTo(1);
        vm.load(guest(GuestCpu::sti));
        rig.driver.runUntilIdle();
        assertThat(taken).containsExactly(0x53, 0x52);
    }

    @Test
    void anotherDeviceCannotPostIntoThisVcpu() {
        PostedInterruptDescriptor pi = vm.vcpu(0).postedInterruptDescriptor();
        MsiMessage m = rig.iommu.interruptRemapper().post(Rig.NIC, pi.address(), 0x52, false);
        rig.iommu.interruptRemapper().msiSinkFor(Rig.OTHER).signal(m.address(), m.data());
        assertThat(pi.requested(0x52)).isFalse();
        assertThat(pi.outstanding()).isFalse();
        assertThat(rig.iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x26);
    }
}
