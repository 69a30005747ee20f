package dev.iovirt.vmm.vmx;

/**
 * Bit positions of the VM-execution, VM-exit and VM-entry controls this model implements.
 * SDM Vol. 3C §25.6.1 (Table 25-5), §25.6.2 (Tables 25-6, 25-7), §25.7.1 (Table 25-13), §25.8.1 (Table 25-15).
 */
public final class Controls {
    private Controls() {
    }

    // Pin-based VM-execution controls. SDM Vol. 3C Table 25-5.
    /** External interrupts cause VM exits (reason 1) instead of being delivered through the guest IDT. */
    public static final int PIN_EXTERNAL_INTERRUPT_EXITING = 1;
    public static final int PIN_NMI_EXITING = 1 << 3;
    /** The VMX-preemption timer counts down in non-root operation and causes exit 52 at zero. SDM Vol. 3C §26.5.1. */
    public static final int PIN_ACTIVATE_PREEMPTION_TIMER = 1 << 6;
    /** The posted-interrupt notification vector is processed by the CPU, updating the virtual APIC without an exit. */
    public static final int PIN_PROCESS_POSTED_INTERRUPTS = 1 << 7;

    // Primary processor-based VM-execution controls. SDM Vol. 3C Table 25-6.
    /** Exit (reason 7) at the start of any instruction when RFLAGS.IF=1 and interrupts are not blocked. */
    public static final int PROC_INTERRUPT_WINDOW_EXITING = 1 << 2;
    public static final int PROC_HLT_EXITING = 1 << 7;
    public static final int PROC_INVLPG_EXITING = 1 << 9;
    public static final int PROC_RDTSC_EXITING = 1 << 12;
    public static final int PROC_CR3_LOAD_EXITING = 1 << 15;
    public static final int PROC_CR3_STORE_EXITING = 1 << 16;
    public static final int PROC_USE_TPR_SHADOW = 1 << 21;
    /** Every IN/OUT exits (ignored when "use I/O bitmaps" is 1). */
    public static final int PROC_UNCONDITIONAL_IO_EXITING = 1 << 24;
    public static final int PROC_USE_IO_BITMAPS = 1 << 25;
    public static final int PROC_USE_MSR_BITMAPS = 1 << 28;
    public static final int PROC_ACTIVATE_SECONDARY = 1 << 31;

    // Secondary processor-based VM-execution controls. SDM Vol. 3C Table 25-7.
    public static final int SEC_ENABLE_EPT = 1 << 1;
    public static final int SEC_VIRTUALIZE_X2APIC = 1 << 4;
    public static final int SEC_ENABLE_VPID = 1 << 5;
    public static final int SEC_UNRESTRICTED_GUEST = 1 << 7;
    public static final int SEC_APIC_REGISTER_VIRTUALIZATION = 1 << 8;
    public static final int SEC_VIRTUAL_INTERRUPT_DELIVERY = 1 << 9;

    // VM-exit controls. SDM Vol. 3C Table 25-13.
    public static final int EXIT_HOST_ADDRESS_SPACE_SIZE = 1 << 9;
    /** On an exit caused by an external interrupt the processor acknowledges it and stores the vector. */
    public static final int EXIT_ACK_INTERRUPT_ON_EXIT = 1 << 15;
    public static final int EXIT_SAVE_IA32_EFER = 1 << 20;
    public static final int EXIT_LOAD_IA32_EFER = 1 << 21;
    /** Save the remaining VMX-preemption timer value on exit. */
    public static final int EXIT_SAVE_PREEMPTION_TIMER = 1 << 22;

    // VM-entry controls. SDM Vol. 3C Table 25-15.
    public static final int ENTRY_IA32E_MODE_GUEST = 1 << 9;
    public static final int ENTRY_LOAD_IA32_EFER = 1 << 15;
}
