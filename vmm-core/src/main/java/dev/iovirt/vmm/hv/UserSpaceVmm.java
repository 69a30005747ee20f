package dev.iovirt.vmm.hv;

import dev.iovirt.vmm.cpu.ExitAction;
import dev.iovirt.vmm.cpu.Vcpu;
import dev.iovirt.vmm.vmx.ExitQualification;

/**
 * The VMM's user-space part (QEMU's role): port I/O and MMIO to emulated devices. The kernel part
 * forwards these exits here (KVM_EXIT_IO, KVM_EXIT_MMIO); each costs a return to user space and back,
 * which is what {@code userSpaceExits} counts. Dispatch is by address through the VM's buses.
 */
final class UserSpaceVmm {
    private final Vm vm;

    UserSpaceVmm(Vm vm) {
        this.vm = vm;
    }

    ExitAction io(Vcpu vcpu, long qualification) {
        int port = ExitQualification.ioPort(qualification);
        int size = ExitQualification.ioSize(qualification);
        long mask = size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
        if (ExitQualification.ioIn(qualification)) {
            long value = vm.ioBus().read(port, size) & mask;
            vcpu.setGpr(Vcpu.RAX, (vcpu.gpr(Vcpu.RAX) & ~mask) | value);
        } else {
            vm.ioBus().write(port, size, (int) (vcpu.gpr(Vcpu.RAX) & mask));
        }
        vcpu.skipInstruction();
        return ExitAction.RESUME;
    }

    ExitAction mmio(Vcpu vcpu, long gpa) {
        int size = vcpu.emulatedAccessSize();
        if (vcpu.emulatedAccessIsWrite()) {
            vm.mmioBus().write(gpa, size, vcpu.emulatedAccessValue());
            vcpu.completeEmulatedAccess(0);
        } else {
            vcpu.completeEmulatedAccess(vm.mmioBus().read(gpa, size));
        }
        vcpu.skipInstruction();
        return ExitAction.RESUME;
    }
}
