/**
 * The hypervisor: a {@link dev.iovirt.vmm.hv.Host} runs {@link dev.iovirt.vmm.hv.Vm}s; each vCPU has a
 * {@link dev.iovirt.vmm.hv.VcpuRunner} (KVM's run loop); exits are split as KVM and QEMU split them —
 * {@link dev.iovirt.vmm.hv.ExitDispatcher} handles in the kernel what KVM handles there and forwards port
 * I/O and MMIO to {@link dev.iovirt.vmm.hv.UserSpaceVmm} — and a {@link dev.iovirt.vmm.hv.StepDriver}
 * runs it all from one thread under virtual time.
 *
 * <p>How a guest's first touch of a RAM page flows: load → MMU walk → EPT entry not present → EPT
 * violation exit (reason 48, qualification: read, not present) → ExitDispatcher finds the GPA in a RAM
 * slot → the slot allocates a host frame (charged to the VM) → EPT maps it → VMRESUME → the load is
 * retried and hits. A touch of a GPA in no slot and no device stops that VM with the address in the
 * reason; the host and other VMs go on.
 */
package dev.iovirt.vmm.hv;
