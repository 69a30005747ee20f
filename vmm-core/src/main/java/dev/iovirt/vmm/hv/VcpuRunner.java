package dev.iovirt.vmm.hv;

import dev.iovirt.vmm.apic.Lapic;
import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.cpu.Vcpu;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.InterruptionInfo;
import dev.iovirt.vmm.vmx.VmcsField;
import dev.iovirt.vmm.vmx.VmxResult;

/**
 * The VMM's run loop for one vCPU (KVM's {@code vcpu_enter_guest}): before each entry (the outer one
 * here, and every resume after an exit, through the dispatcher), pick up posted interrupts and inject the highest deliverable LAPIC vector (or ask for an interrupt window when the
 * guest has IF=0); then VMLAUNCH/VMRESUME. A halted vCPU with nothing to inject is quiet: its thread is
 * free. One {@link #step()} is one entry and the guest slice that follows it.
 */
public final class VcpuRunner implements Steppable {
    private final Vm vm;
    private final Vcpu vcpu;
    private final Lapic lapic;
    private final PostedInterruptDescriptor pi;
    private boolean launched;
    private volatile boolean kicked;
    private volatile Thread thread;
    private long posted;

    VcpuRunner(Vm vm, Vcpu vcpu, Lapic lapic, PostedInterruptDescriptor pi) {
        this.vm = vm;
        this.vcpu = vcpu;
        this.lapic = lapic;
        this.pi = pi;
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public Lapic lapic() {
        return lapic;
    }

    public PostedInterruptDescriptor postedInterruptDescriptor() {
        return pi;
    }

    /** Interrupts received through the posted-interrupt descriptor. */
    public long posted() {
        return posted;
    }

    /** Called when an interrupt arrives for this vCPU (from any thread). */
    void wake() {
        kicked = true;
        Thread t = thread;
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    /** True if an interrupt arrived since the last step began (a halted vCPU must not sleep). */
    boolean kicked() {
        return kicked;
    }

    void bindThread(Thread t) {
        this.thread = t;
    }

    void post(int vector) {
        if (pi.post(vector)) {
            if (vm.config().apicv() && vcpu.inGuestMode()) {
                // The vCPU is in non-root operation: notify its processor, which processes the PIR without an exit.
                vcpu.raiseExternalInterrupt(Vm.POSTED_INTERRUPT_VECTOR);
            }
            wake();
        }
    }

    @Override
    public boolean step() {
        if (vcpu.stopped() || vm.stopped()) {
            return false;
        }
        // Invariant: a destroyed VM is stopped, so nothing below touches its freed frames.
        kicked = false;
        boolean injected = injectPending();
        if (launched && vcpu.halted() && !injected) {
            return false;
        }
        VmxResult r = launched ? vcpu.vmresume() : vcpu.vmlaunch();
        if (r != VmxResult.SUCCEED) {
            vm.stop("vCPU " + vcpu.index() + ": VM entry failed: " + vcpu.lastFailure());
            return true;
        }
        launched = true;
        if (vcpu.lastEntryFailed()) {
            vm.stop("vCPU " + vcpu.index() + ": " + vcpu.lastFailure());
        } else if (vcpu.stopped()) {
            vm.stop("vCPU " + vcpu.index() + ": " + vcpu.stopReason());
        }
        return true;
    }

    /**
     * Injects the highest deliverable interrupt if the guest can take it (RFLAGS.IF=1 and no event is
     * already queued), else requests an interrupt window. Returns true if an event was queued for entry.
     * Runs in VMX root operation with this vCPU's VMCS current.
     */
    boolean injectPending() {
        if (pi.outstanding()) {
            posted += pi.drainTo(lapic); // KVM's sync_pir_to_irr, on every entry
        }
        if (vm.config().apicv()) {
            // APIC virtualization: publish the highest requested vector as RVI; the processor evaluates and
            // delivers it at entry (or when the guest enables interrupts), and its EOI does not exit.
            int requested = lapic.highestRequested();
            if (requested < 0) {
                return false;
            }
            long status = vcpu.vmread(VmcsField.GUEST_INTERRUPT_STATUS);
            if ((status & 0xFF) < requested) {
                vcpu.vmwrite(VmcsField.GUEST_INTERRUPT_STATUS, (status & 0xFF00) | requested);
            }
            return lapic.highestDeliverable() >= 0 && vcpu.guestInterruptsEnabled();
        }
        int vector = lapic.highestDeliverable();
        if (vector < 0) {
            return false;
        }
        if (InterruptionInfo.valid((int) vcpu.vmread(VmcsField.VM_ENTRY_INTERRUPTION_INFO))) {
            return true;
        }
        if (vcpu.guestInterruptsEnabled()) {
            lapic.acknowledge(vector);
            vcpu.vmwrite(VmcsField.VM_ENTRY_INTERRUPTION_INFO,
                    InterruptionInfo.of(InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, vector, false));
            vcpu.stats().injections++;
            return true;
        }
        long proc = vcpu.vmread(VmcsField.PRIMARY_PROCESSOR_CONTROLS);
        vcpu.vmwrite(VmcsField.PRIMARY_PROCESSOR_CONTROLS, proc | Controls.PROC_INTERRUPT_WINDOW_EXITING);
        return false;
    }
}
