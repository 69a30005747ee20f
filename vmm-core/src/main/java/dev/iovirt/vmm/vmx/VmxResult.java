package dev.iovirt.vmm.vmx;

/**
 * How a VMX instruction completed. SDM Vol. 3C §31.2 ("Conventions"): VMsucceed clears CF and ZF;
 * VMfailInvalid sets CF (there is no current VMCS to hold an error number); VMfailValid sets ZF and
 * stores an error number in the current VMCS's VM-instruction error field.
 */
public enum VmxResult {
    SUCCEED,
    FAIL_INVALID,
    FAIL_VALID
}
