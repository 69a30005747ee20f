package dev.iovirt.vmm.hv;

import dev.iovirt.vmm.vmx.ExitReason;

/** Sees every exit a VM takes, before it is handled: for traces and tests. */
@FunctionalInterface
public interface ExitObserver {
    /**
     * @param vcpu the vCPU index
     * @param reason the basic exit reason
     * @param qualification the exit qualification
     * @param guestPhysical the guest-physical-address field (meaningful for EPT exits)
     */
    void exit(int vcpu, ExitReason reason, long qualification, long guestPhysical);
}
