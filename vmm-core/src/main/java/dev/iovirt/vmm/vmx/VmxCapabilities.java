package dev.iovirt.vmm.vmx;

/**
 * What the modeled processor allows in each control field, as the IA32_VMX_TRUE_*_CTLS and
 * IA32_VMX_PROCBASED_CTLS2 capability MSRs report it (SDM Vol. 3C Appendix A.3–A.5): bits 31:0 are the
 * allowed 0-settings (a 1 there means the control must be 1), bits 63:32 the allowed 1-settings (a 0
 * there means the control must be 0). VM entry fails with error 7 if a control violates them (SDM Vol.
 * 3C §27.2.1.1). {@link #adjust} does what KVM's {@code adjust_vmx_controls} does.
 */
public final class VmxCapabilities {
    private VmxCapabilities() {
    }

    /** Default-1 pin-based bits 1, 2, 4. SDM Vol. 3C Appendix A.3.1. */
    public static final int PIN_MUST_BE_1 = 0x16;
    public static final int PIN_MAY_BE_1 = PIN_MUST_BE_1 | Controls.PIN_EXTERNAL_INTERRUPT_EXITING | Controls.PIN_NMI_EXITING
            | Controls.PIN_ACTIVATE_PREEMPTION_TIMER | Controls.PIN_PROCESS_POSTED_INTERRUPTS;
    /** Default-1 primary bits 1, 4-6, 8, 13, 14, 26 (the TRUE MSR lets 15 and 16 be 0). SDM Vol. 3C Appendix A.3.2. */
    public static final int PROC_MUST_BE_1 = 0x0400_6172;
    public static final int PROC_MAY_BE_1 = PROC_MUST_BE_1 | Controls.PROC_INTERRUPT_WINDOW_EXITING | Controls.PROC_HLT_EXITING
            | Controls.PROC_INVLPG_EXITING | Controls.PROC_RDTSC_EXITING | Controls.PROC_CR3_LOAD_EXITING
            | Controls.PROC_CR3_STORE_EXITING | Controls.PROC_USE_TPR_SHADOW | Controls.PROC_UNCONDITIONAL_IO_EXITING
            | Controls.PROC_USE_IO_BITMAPS | Controls.PROC_USE_MSR_BITMAPS | Controls.PROC_ACTIVATE_SECONDARY;
    public static final int SEC_MUST_BE_1 = 0;
    public static final int SEC_MAY_BE_1 = Controls.SEC_ENABLE_EPT | Controls.SEC_VIRTUALIZE_X2APIC | Controls.SEC_ENABLE_VPID
            | Controls.SEC_UNRESTRICTED_GUEST | Controls.SEC_APIC_REGISTER_VIRTUALIZATION
            | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY;
    /** Default-1 exit bits 0, 1, 3-8, 10, 11, 13, 14, 16, 17 (TRUE MSR: bit 2 may be 0). SDM Vol. 3C Appendix A.4. */
    public static final int EXIT_MUST_BE_1 = 0x0003_6DFB;
    public static final int EXIT_MAY_BE_1 = EXIT_MUST_BE_1 | Controls.EXIT_HOST_ADDRESS_SPACE_SIZE
            | Controls.EXIT_ACK_INTERRUPT_ON_EXIT | Controls.EXIT_SAVE_IA32_EFER | Controls.EXIT_LOAD_IA32_EFER
            | Controls.EXIT_SAVE_PREEMPTION_TIMER;
    /** Default-1 entry bits 0, 1, 3-8, 12 (TRUE MSR: bit 2 may be 0). SDM Vol. 3C Appendix A.5. */
    public static final int ENTRY_MUST_BE_1 = 0x11FB;
    public static final int ENTRY_MAY_BE_1 = ENTRY_MUST_BE_1 | Controls.ENTRY_IA32E_MODE_GUEST | Controls.ENTRY_LOAD_IA32_EFER;

    /** The value of {@code wanted} with must-be-1 bits set; throws if it asks for a bit the processor lacks. */
    public static int adjust(int wanted, int mustBe1, int mayBe1) {
        if ((wanted & ~mayBe1) != 0) {
            throw new IllegalArgumentException("controls 0x" + Integer.toHexString(wanted & ~mayBe1) + " not supported");
        }
        return wanted | mustBe1;
    }

    public static boolean valid(int value, int mustBe1, int mayBe1) {
        return (value & mustBe1) == mustBe1 && (value & ~mayBe1) == 0;
    }
}
