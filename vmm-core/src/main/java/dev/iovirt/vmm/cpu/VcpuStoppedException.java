package dev.iovirt.vmm.cpu;

/**
 * Unwinds guest code when its vCPU stops (the VMM refused to resume, a VM entry failed, or the guest
 * broke a rule the processor enforces). Caught by the processor at the outermost VM entry; guest code
 * must not catch it, and if it does, its next operation throws again.
 */
public final class VcpuStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VcpuStoppedException(String reason) {
        super(reason, null, false, false);
    }
}
