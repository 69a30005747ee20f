package dev.iovirt.vmm.vmx;

/**
 * Basic exit reasons, bits 15:0 of the exit-reason field (0x4402). SDM Vol. 3C Appendix C, Table C-1.
 * Bit 31 of the field is set when the exit is a VM-entry failure.
 */
public enum ExitReason {
    EXCEPTION_OR_NMI(0),
    EXTERNAL_INTERRUPT(1),
    TRIPLE_FAULT(2),
    INTERRUPT_WINDOW(7),
    CPUID(10),
    HLT(12),
    INVLPG(14),
    RDTSC(16),
    VMCALL(18),
    CR_ACCESS(28),
    IO_INSTRUCTION(30),
    RDMSR(31),
    WRMSR(32),
    ENTRY_FAILURE_GUEST_STATE(33),
    EPT_VIOLATION(48),
    EPT_MISCONFIG(49),
    INVEPT(50),
    PREEMPTION_TIMER(52),
    INVVPID(53);

    /** Bit 31 of the exit-reason field: VM-entry failure. SDM Vol. 3C §25.9.1. */
    public static final int ENTRY_FAILURE_BIT = 1 << 31;
    /** The number SDM Appendix C gives this reason. */
    public final int number;
    private static final ExitReason[] BY_NUMBER = new ExitReason[65];

    static {
        for (ExitReason r : values()) {
            BY_NUMBER[r.number] = r;
        }
    }

    ExitReason(int number) {
        this.number = number;
    }

    /** The reason with basic number {@code exitReasonField & 0xFFFF}, or {@code null} if not modeled. */
    public static ExitReason of(int exitReasonField) {
        int n = exitReasonField & 0xFFFF;
        return n < BY_NUMBER.length ? BY_NUMBER[n] : null;
    }
}
