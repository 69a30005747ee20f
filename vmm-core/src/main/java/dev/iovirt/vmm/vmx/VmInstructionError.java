package dev.iovirt.vmm.vmx;

/**
 * VM-instruction error numbers, stored in the VM-instruction error field (0x4400) on VMfailValid.
 * SDM Vol. 3C §31.4, Table 31-1. Only the numbers this model can produce are listed.
 */
public enum VmInstructionError {
    VMCALL_IN_VMX_ROOT(1, "VMCALL executed in VMX root operation"),
    VMCLEAR_INVALID_ADDRESS(2, "VMCLEAR with invalid physical address"),
    VMCLEAR_VMXON_POINTER(3, "VMCLEAR with VMXON pointer"),
    VMLAUNCH_NON_CLEAR_VMCS(4, "VMLAUNCH with non-clear VMCS"),
    VMRESUME_NON_LAUNCHED_VMCS(5, "VMRESUME with non-launched VMCS"),
    VMRESUME_AFTER_VMXOFF(6, "VMRESUME after VMXOFF"),
    ENTRY_INVALID_CONTROL_FIELDS(7, "VM entry with invalid control field(s)"),
    ENTRY_INVALID_HOST_STATE(8, "VM entry with invalid host-state field(s)"),
    VMPTRLD_INVALID_ADDRESS(9, "VMPTRLD with invalid physical address"),
    VMPTRLD_VMXON_POINTER(10, "VMPTRLD with VMXON pointer"),
    VMPTRLD_BAD_REVISION(11, "VMPTRLD with incorrect VMCS revision identifier"),
    UNSUPPORTED_VMCS_COMPONENT(12, "VMREAD/VMWRITE from/to unsupported VMCS component"),
    VMWRITE_READ_ONLY_COMPONENT(13, "VMWRITE to read-only VMCS component"),
    VMXON_IN_VMX_ROOT(15, "VMXON executed in VMX root operation"),
    INVALID_INVEPT_INVVPID_OPERAND(28, "Invalid operand to INVEPT/INVVPID");

    /** The number the SDM gives this error. */
    public final int number;
    /** The SDM's description. */
    public final String description;

    VmInstructionError(int number, String description) {
        this.number = number;
        this.description = description;
    }

    public static VmInstructionError ofNumber(int number) {
        for (VmInstructionError e : values()) {
            if (e.number == number) {
                return e;
            }
        }
        throw new IllegalArgumentException("no VM-instruction error " + number);
    }
}
