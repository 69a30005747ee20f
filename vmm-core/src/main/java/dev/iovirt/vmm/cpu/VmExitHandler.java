package dev.iovirt.vmm.cpu;

/**
 * The VMM's exit entry point (the code at HOST_RIP): called on the vCPU's thread after the processor
 * has saved guest state and written the exit information fields. It reads them with VMREAD, handles
 * the exit, and returns whether to VMRESUME.
 */
@FunctionalInterface
public interface VmExitHandler {
    ExitAction handleExit(Vcpu vcpu);
}
