package dev.iovirt.vmm.cpu;

/** What the VMM does after handling a VM exit. */
public enum ExitAction {
    /** VMRESUME: go back into the guest. */
    RESUME,
    /** Do not resume: the vCPU stops (the VMM recorded why with {@link Vcpu#stop}). */
    STOP
}
