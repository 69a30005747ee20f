package dev.iovirt.vmm.hv;

import static dev.iovirt.vmm.vmx.VmcsField.*;

import dev.iovirt.vmm.apic.Lapic;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.cpu.ExitAction;
import dev.iovirt.vmm.cpu.Vcpu;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.ept.EptViolation;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemorySlot;
import dev.iovirt.vmm.mem.OutOfHostMemoryException;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitQualification;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vmm.vmx.InterruptionInfo;

/**
 * The VMM's kernel part (KVM's role): the exit handler at HOST_RIP. It handles in the kernel what KVM
 * handles there — EPT violations on RAM (back the page on first touch), CPUID, HLT, MSRs (the LAPIC is
 * in-kernel), VMCALL, interrupt windows, CR accesses, intercepted exceptions — and forwards port I/O
 * and MMIO to {@link UserSpaceVmm}. Before every resume it injects pending interrupts, as KVM does on
 * every entry. Anything else stops the VM with a reason; nothing a guest does reaches the host.
 */
final class ExitDispatcher {
    /** KVM's hypercall return for an unknown number (-KVM_ENOSYS). */
    static final long KVM_ENOSYS = -1000;

    private final Vm vm;
    private final UserSpaceVmm userSpace;

    ExitDispatcher(Vm vm) {
        this.vm = vm;
        this.userSpace = new UserSpaceVmm(vm);
    }

    ExitAction handle(Vcpu vcpu) {
        ExitReason reason = ExitReason.of((int) vcpu.vmread(EXIT_REASON));
        long q = vcpu.vmread(EXIT_QUALIFICATION);
        long gpa = vcpu.vmread(GUEST_PHYSICAL_ADDRESS);
        vm.observer().exit(vcpu.index(), reason, q, gpa);
        VcpuStats s = vcpu.stats();
        VcpuRunner runner = vm.vcpu(vcpu.index());
        ExitAction action;
        if (reason == ExitReason.IO_INSTRUCTION) {
            s.userSpaceExits++;
            action = userSpace.io(vcpu, q);
        } else if (reason == ExitReason.EPT_VIOLATION && vm.memory().slotFor(gpa) == null) {
            if ((q & EptViolation.GLA_VALID) != 0 && (q & EptViolation.GLA_TRANSLATION) == 0) {
                // A guest paging-structure entry outside RAM: nothing can emulate a page walk (KVM reports an
                // internal error). A malicious or broken guest causes this with a bad CR3 or table pointer.
                vm.stop("vCPU " + vcpu.index() + ": its page tables reference GPA 0x" + Long.toHexString(gpa)
                        + ", which is not RAM");
                return ExitAction.STOP;
            }
            if (!vm.mmioBus().claimed(gpa)) {
                vm.stop("vCPU " + vcpu.index() + " touched GPA 0x" + Long.toHexString(gpa) + " (" + accessName(q)
                        + "), which is neither RAM (" + ramRanges() + ") nor a device: beyond its memory");
                return ExitAction.STOP;
            }
            if (vcpu.emulatedAccessIsWrite() && vm.mmioBus().isIoEventFd(gpa)) {
                // KVM's ioeventfd: the kernel completes a doorbell write and signals the device's
                // backend itself; no exit to user space. The emulation is the same, the cost is not.
                s.inKernelExits++;
            } else {
                s.userSpaceExits++;
            }
            action = userSpace.mmio(vcpu, gpa);
        } else {
            s.inKernelExits++;
            action = inKernel(vcpu, reason, q, gpa, runner);
        }
        if (action == ExitAction.RESUME && !vcpu.stopped()) {
            runner.injectPending();
        }
        return action;
    }

    private String ramRanges() {
        StringBuilder b = new StringBuilder();
        for (MemorySlot slot : vm.memory().slots()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append("0x").append(Long.toHexString(slot.base().value())).append("-0x")
                    .append(Long.toHexString(slot.base().value() + slot.size() - 1));
        }
        return b.toString();
    }

    private static String accessName(long q) {
        return (q & EptViolation.DATA_WRITE) != 0 ? "write" : (q & EptViolation.INSTRUCTION_FETCH) != 0 ? "fetch" : "read";
    }

    private ExitAction inKernel(Vcpu vcpu, ExitReason reason, long q, long gpa, VcpuRunner runner) {
        if (reason == null) {
            return stop(vcpu, "unmodeled exit reason " + (vcpu.vmread(EXIT_REASON) & 0xFFFF));
        }
        switch (reason) {
            case EPT_VIOLATION -> {
                return ramViolation(vcpu, q, gpa);
            }
            case EPT_MISCONFIG -> {
                return stop(vcpu, "EPT misconfiguration at GPA 0x" + Long.toHexString(gpa) + ": " + vcpu.mmu().misconfigReason);
            }
            case CPUID -> cpuid(vcpu);
            case HLT -> {
                vcpu.skipInstruction();
                if (!(vcpu.guestInterruptsEnabled() && runner.lapic().highestDeliverable() >= 0)) {
                    vcpu.vmwrite(GUEST_ACTIVITY_STATE, Vcpu.ACTIVITY_HLT);
                }
            }
            case RDMSR -> {
                int msr = (int) vcpu.gpr(Vcpu.RCX);
                if (!Lapic.handles(msr)) {
                    return injectGp(vcpu);
                }
                long v = runner.lapic().readMsr(msr);
                vcpu.setGpr(Vcpu.RAX, v & 0xFFFF_FFFFL);
                vcpu.setGpr(Vcpu.RDX, v >>> 32);
                vcpu.skipInstruction();
            }
            case WRMSR -> {
                int msr = (int) vcpu.gpr(Vcpu.RCX);
                if (!Lapic.handles(msr)) {
                    return injectGp(vcpu);
                }
                long value = (vcpu.gpr(Vcpu.RDX) << 32) | (vcpu.gpr(Vcpu.RAX) & 0xFFFF_FFFFL);
                if (msr == X86.MSR_X2APIC_ICR) {
                    vm.sendIpi(runner.lapic().apicId(), value);
                } else {
                    runner.lapic().writeMsr(msr, value);
                }
                vcpu.skipInstruction();
            }
            case VMCALL -> {
                vcpu.stats().hypercalls++;
                vcpu.setGpr(Vcpu.RAX, vcpu.gpr(Vcpu.RAX) == 0 ? 0 : KVM_ENOSYS);
                vcpu.skipInstruction();
            }
            case INTERRUPT_WINDOW -> {
                long proc = vcpu.vmread(PRIMARY_PROCESSOR_CONTROLS);
                vcpu.vmwrite(PRIMARY_PROCESSOR_CONTROLS, proc & ~Controls.PROC_INTERRUPT_WINDOW_EXITING);
            }
            case CR_ACCESS -> {
                return crAccess(vcpu, q);
            }
            case EXCEPTION_OR_NMI -> {
                // Reflect the intercepted exception into the guest, with CR2 for a page fault.
                int info = (int) vcpu.vmread(VM_EXIT_INTERRUPTION_INFO);
                if (InterruptionInfo.vector(info) == X86.VECTOR_PF) {
                    vcpu.setGuestCr2(q);
                }
                vcpu.vmwrite(VM_ENTRY_INTERRUPTION_INFO, info & ~(1 << 12));
                vcpu.vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vcpu.vmread(VM_EXIT_INTERRUPTION_ERROR_CODE));
            }
            case RDTSC -> {
                long t = vcpu.tsc();
                vcpu.setGpr(Vcpu.RAX, t & 0xFFFF_FFFFL);
                vcpu.setGpr(Vcpu.RDX, t >>> 32);
                vcpu.skipInstruction();
            }
            case PREEMPTION_TIMER -> {
                vcpu.vmwrite(VMX_PREEMPTION_TIMER_VALUE, vm.preemptionQuantum());
                Thread.yield(); // the scheduler's tick: let other vCPU threads on this carrier run
            }
            case INVLPG -> {
                long vpid = vcpu.vmread(VIRTUAL_PROCESSOR_ID);
                long sec = vcpu.vmread(SECONDARY_PROCESSOR_CONTROLS);
                if ((sec & Controls.SEC_ENABLE_VPID) != 0) {
                    vcpu.invvpid(Vcpu.INVVPID_INDIVIDUAL_ADDRESS, (int) vpid, q);
                }
                vcpu.skipInstruction();
            }
            default -> {
                return stop(vcpu, "exit " + reason + " is not handled by this VMM");
            }
        }
        return ExitAction.RESUME;
    }

    private ExitAction stop(Vcpu vcpu, String reason) {
        vm.stop("vCPU " + vcpu.index() + ": " + reason);
        return ExitAction.STOP;
    }

    private ExitAction injectGp(Vcpu vcpu) {
        vcpu.vmwrite(VM_ENTRY_INTERRUPTION_INFO, InterruptionInfo.of(InterruptionInfo.TYPE_HARDWARE_EXCEPTION, X86.VECTOR_GP, true));
        vcpu.vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
        return ExitAction.RESUME;
    }

    /** An EPT violation on a RAM address: back it on first touch, or log a dirty page. */
    private ExitAction ramViolation(Vcpu vcpu, long q, long gpa) {
        MemorySlot slot = vm.memory().slotFor(gpa);
        long page = gpa & ~0xFFFL;
        boolean write = (q & EptViolation.DATA_WRITE) != 0;
        boolean mapped = (q & (EptViolation.READABLE | EptViolation.WRITABLE | EptViolation.EXECUTABLE)) != 0;
        if (mapped) {
            if (write && (q & EptViolation.WRITABLE) == 0 && vm.consumeWriteProtect(page)) {
                vm.ept().protect(Gpa.of(page), EptEntry.RWX);
                vm.inveptAll();
                return ExitAction.RESUME;
            }
            return stop(vcpu, "EPT " + accessName(q) + " violation on mapped RAM at GPA 0x" + Long.toHexString(gpa)
                    + " (qualification 0x" + Long.toHexString(q) + ")");
        }
        if (write && slot.readOnly()) {
            return stop(vcpu, "write to read-only memory at GPA 0x" + Long.toHexString(gpa));
        }
        PageSize size = slot.backing();
        long hostPage;
        try {
            hostPage = slot.backingPage(gpa);
        } catch (OutOfHostMemoryException e) {
            return stop(vcpu, "host out of memory backing GPA 0x" + Long.toHexString(gpa) + ": " + e.getMessage());
        }
        long rwx = slot.readOnly() ? EptEntry.READ | EptEntry.EXECUTE : EptEntry.RWX;
        if (size == PageSize.SIZE_4K && vm.isWriteProtected(page)) {
            rwx &= ~EptEntry.WRITE;
        }
        vm.ept().map(Gpa.of(gpa & ~size.offsetMask), Hpa.of(hostPage), size, rwx);
        vm.ramFaults.incrementAndGet();
        return ExitAction.RESUME;
    }

    private ExitAction crAccess(Vcpu vcpu, long q) {
        int cr = (int) (q & ExitQualification.CR_NUMBER_MASK);
        int type = (int) (q >>> ExitQualification.CR_ACCESS_SHIFT) & 3;
        long value = vcpu.gpr((int) (q >>> ExitQualification.CR_GPR_SHIFT) & 0xF);
        if (type != ExitQualification.CR_MOV_TO) {
            return stop(vcpu, "CR access type " + type + " is not handled");
        }
        switch (cr) {
            case 3 -> vcpu.loadCr3(value);
            case 4 -> {
                if ((value & X86.CR4_VMXE) != 0) {
                    return injectGp(vcpu); // this VMM offers no nested VMX
                }
                vcpu.vmwrite(CR4_READ_SHADOW, value & vcpu.vmread(CR4_GUEST_HOST_MASK));
                vcpu.loadCr(4, value);
            }
            case 0 -> {
                vcpu.vmwrite(CR0_READ_SHADOW, value & vcpu.vmread(CR0_GUEST_HOST_MASK));
                vcpu.loadCr(0, value);
            }
            default -> {
                return stop(vcpu, "MOV to CR" + cr + " is not handled");
            }
        }
        vcpu.skipInstruction();
        return ExitAction.RESUME;
    }

    /** CPUID as this VMM presents it: an Intel CPU with x2APIC and a hypervisor leaf. SDM Vol. 2A "CPUID". */
    private void cpuid(Vcpu vcpu) {
        int leaf = (int) vcpu.gpr(Vcpu.RAX);
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        switch (leaf) {
            case 0 -> {
                a = 1;
                b = 0x756E_6547L; // "Genu"
                d = 0x4965_6E69L; // "ineI"
                c = 0x6C65_746EL; // "ntel"
            }
            case 1 -> {
                a = 0x000206A7L; // family 6, model 42 (Sandy Bridge), stepping 7
                b = (long) vcpu.index() << 24; // initial APIC ID
                c = (1L << 21) | (1L << 24) | (1L << 31); // x2APIC, TSC-deadline, hypervisor present
                d = (1L << 4) | (1L << 5) | (1L << 6) | (1L << 9); // TSC, MSR, PAE, APIC
            }
            case 0x4000_0000 -> {
                a = 0x4000_0000L;
                b = 0x4956_4F49L; // "IOVI"
                c = 0x4F49_5452L; // "RTIO"
                d = 0x5452_4956L; // "VIRT"
            }
            default -> {
            }
        }
        vcpu.setGpr(Vcpu.RAX, a);
        vcpu.setGpr(Vcpu.RBX, b);
        vcpu.setGpr(Vcpu.RCX, c);
        vcpu.setGpr(Vcpu.RDX, d);
        vcpu.skipInstruction();
    }
}
