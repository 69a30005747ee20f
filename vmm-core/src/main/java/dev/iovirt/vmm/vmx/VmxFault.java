package dev.iovirt.vmm.vmx;

/**
 * A fault raised by a VMX instruction instead of a VMfail: #UD (outside VMX operation, or CR4.VMXE=0)
 * or #GP. SDM Vol. 3C ch. 31, "Protected Mode Exceptions" of each instruction.
 */
public final class VmxFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The exception vector: 6 (#UD) or 13 (#GP). */
    public final int vector;

    public VmxFault(int vector, String message) {
        super(message);
        this.vector = vector;
    }
}
