package dev.iovirt.vmm.vmx;

/**
 * Encodings of the VMCS fields this model supports, as VMREAD/VMWRITE take them. SDM Vol. 3C
 * Appendix B. An encoding's bits say what it is (SDM Vol. 3C §25.11.2, Table 25-21): bit 0 access type
 * (1 = the high 32 bits of a 64-bit field), bits 9:1 index, bits 11:10 type (0 control, 1 VM-exit
 * information (read-only), 2 guest state, 3 host state), bits 14:13 width (0 16-bit, 1 64-bit,
 * 2 32-bit, 3 natural width). VMREAD or VMWRITE of any other encoding fails with VM-instruction
 * error 12.
 */
public final class VmcsField {
    private VmcsField() {
    }

    // 16-bit control fields. SDM Vol. 3C §B.1.1.
    public static final int VIRTUAL_PROCESSOR_ID = 0x0000;
    public static final int POSTED_INTERRUPT_NOTIFICATION_VECTOR = 0x0002;
    // 16-bit guest-state fields. SDM Vol. 3C §B.1.2.
    public static final int GUEST_CS_SELECTOR = 0x0802;
    public static final int GUEST_INTERRUPT_STATUS = 0x0810;
    // 16-bit host-state fields. SDM Vol. 3C §B.1.3.
    public static final int HOST_CS_SELECTOR = 0x0C02;

    // 64-bit control fields. SDM Vol. 3C §B.2.1.
    public static final int IO_BITMAP_A = 0x2000;
    public static final int IO_BITMAP_B = 0x2002;
    public static final int MSR_BITMAPS = 0x2004;
    public static final int VIRTUAL_APIC_ADDRESS = 0x2012;
    public static final int POSTED_INTERRUPT_DESCRIPTOR = 0x2016;
    public static final int EPT_POINTER = 0x201A;
    // 64-bit read-only data field. SDM Vol. 3C §B.2.2.
    public static final int GUEST_PHYSICAL_ADDRESS = 0x2400;
    // 64-bit guest-state fields. SDM Vol. 3C §B.2.3.
    public static final int VMCS_LINK_POINTER = 0x2800;
    public static final int GUEST_IA32_EFER = 0x2806;
    // 64-bit host-state fields. SDM Vol. 3C §B.2.4.
    public static final int HOST_IA32_EFER = 0x2C02;

    // 32-bit control fields. SDM Vol. 3C §B.3.1.
    public static final int PIN_BASED_CONTROLS = 0x4000;
    public static final int PRIMARY_PROCESSOR_CONTROLS = 0x4002;
    public static final int EXCEPTION_BITMAP = 0x4004;
    public static final int VM_EXIT_CONTROLS = 0x400C;
    public static final int VM_ENTRY_CONTROLS = 0x4012;
    public static final int VM_ENTRY_INTERRUPTION_INFO = 0x4016;
    public static final int VM_ENTRY_EXCEPTION_ERROR_CODE = 0x4018;
    public static final int VM_ENTRY_INSTRUCTION_LENGTH = 0x401A;
    public static final int TPR_THRESHOLD = 0x401C;
    public static final int SECONDARY_PROCESSOR_CONTROLS = 0x401E;
    // 32-bit read-only data fields. SDM Vol. 3C §B.3.2.
    public static final int VM_INSTRUCTION_ERROR = 0x4400;
    public static final int EXIT_REASON = 0x4402;
    public static final int VM_EXIT_INTERRUPTION_INFO = 0x4404;
    public static final int VM_EXIT_INTERRUPTION_ERROR_CODE = 0x4406;
    public static final int IDT_VECTORING_INFO = 0x4408;
    public static final int VM_EXIT_INSTRUCTION_LENGTH = 0x440C;
    // 32-bit guest-state fields. SDM Vol. 3C §B.3.3.
    public static final int GUEST_INTERRUPTIBILITY_STATE = 0x4824;
    public static final int GUEST_ACTIVITY_STATE = 0x4826;
    public static final int VMX_PREEMPTION_TIMER_VALUE = 0x482E;

    // Natural-width control fields. SDM Vol. 3C §B.4.1.
    public static final int CR0_GUEST_HOST_MASK = 0x6000;
    public static final int CR4_GUEST_HOST_MASK = 0x6002;
    public static final int CR0_READ_SHADOW = 0x6004;
    public static final int CR4_READ_SHADOW = 0x6006;
    // Natural-width read-only data fields. SDM Vol. 3C §B.4.2.
    public static final int EXIT_QUALIFICATION = 0x6400;
    public static final int GUEST_LINEAR_ADDRESS = 0x640A;
    // Natural-width guest-state fields. SDM Vol. 3C §B.4.3.
    public static final int GUEST_CR0 = 0x6800;
    public static final int GUEST_CR3 = 0x6802;
    public static final int GUEST_CR4 = 0x6804;
    public static final int GUEST_RSP = 0x681C;
    public static final int GUEST_RIP = 0x681E;
    public static final int GUEST_RFLAGS = 0x6820;
    // Natural-width host-state fields. SDM Vol. 3C §B.4.4.
    public static final int HOST_CR0 = 0x6C00;
    public static final int HOST_CR3 = 0x6C02;
    public static final int HOST_CR4 = 0x6C04;
    public static final int HOST_RSP = 0x6C14;
    public static final int HOST_RIP = 0x6C16;

    private static final int[] SUPPORTED = {
        VIRTUAL_PROCESSOR_ID, POSTED_INTERRUPT_NOTIFICATION_VECTOR, GUEST_CS_SELECTOR, GUEST_INTERRUPT_STATUS,
        HOST_CS_SELECTOR, IO_BITMAP_A, IO_BITMAP_B, MSR_BITMAPS, VIRTUAL_APIC_ADDRESS, POSTED_INTERRUPT_DESCRIPTOR,
        EPT_POINTER, GUEST_PHYSICAL_ADDRESS, VMCS_LINK_POINTER, GUEST_IA32_EFER, HOST_IA32_EFER,
        PIN_BASED_CONTROLS, PRIMARY_PROCESSOR_CONTROLS, EXCEPTION_BITMAP, VM_EXIT_CONTROLS, VM_ENTRY_CONTROLS,
        VM_ENTRY_INTERRUPTION_INFO, VM_ENTRY_EXCEPTION_ERROR_CODE, VM_ENTRY_INSTRUCTION_LENGTH, TPR_THRESHOLD,
        SECONDARY_PROCESSOR_CONTROLS, VM_INSTRUCTION_ERROR, EXIT_REASON, VM_EXIT_INTERRUPTION_INFO,
        VM_EXIT_INTERRUPTION_ERROR_CODE, IDT_VECTORING_INFO, VM_EXIT_INSTRUCTION_LENGTH,
        GUEST_INTERRUPTIBILITY_STATE, GUEST_ACTIVITY_STATE, VMX_PREEMPTION_TIMER_VALUE, CR0_GUEST_HOST_MASK, CR4_GUEST_HOST_MASK,
        CR0_READ_SHADOW, CR4_READ_SHADOW, EXIT_QUALIFICATION, GUEST_LINEAR_ADDRESS, GUEST_CR0, GUEST_CR3,
        GUEST_CR4, GUEST_RSP, GUEST_RIP, GUEST_RFLAGS, HOST_CR0, HOST_CR3, HOST_CR4, HOST_RSP, HOST_RIP,
    };

    /** The encodings this model supports (a fresh copy). */
    public static int[] supportedEncodings() {
        return SUPPORTED.clone();
    }

    /** Field width in bits from encoding bits 14:13 (natural width is 64 on a 64-bit processor). */
    public static int widthBits(int encoding) {
        return switch ((encoding >>> 13) & 3) {
            case 0 -> 16;
            case 2 -> 32;
            default -> 64;
        };
    }

    /** True for VM-exit information fields (type 1), which VMWRITE may not write (error 13). */
    public static boolean readOnly(int encoding) {
        return ((encoding >>> 10) & 3) == 1;
    }
}
