package dev.iovirt.vmm.ept;

/**
 * The exit qualification of an EPT violation. SDM Vol. 3C §28.2.1, Table 28-7 (2023 numbering).
 */
public final class EptViolation {
    private EptViolation() {
    }

    /** Bit 0: the access was a data read. */
    public static final long DATA_READ = 1L;
    /** Bit 1: the access was a data write. */
    public static final long DATA_WRITE = 1L << 1;
    /** Bit 2: the access was an instruction fetch. */
    public static final long INSTRUCTION_FETCH = 1L << 2;
    /** Bit 3: the logical AND of bit 0 (read) of the EPT entries used to translate the address. */
    public static final long READABLE = 1L << 3;
    /** Bit 4: the logical AND of bit 1 (write) of the EPT entries used. */
    public static final long WRITABLE = 1L << 4;
    /** Bit 5: the logical AND of bit 2 (execute) of the EPT entries used. */
    public static final long EXECUTABLE = 1L << 5;
    /** Bit 7: the guest linear-address field (0x640A) is valid. */
    public static final long GLA_VALID = 1L << 7;
    /**
     * Bit 8 (meaningful when bit 7 is set): 1 if the access was to the translation of a linear address,
     * 0 if it was to a guest paging-structure entry during the walk (or an A/D update to one).
     */
    public static final long GLA_TRANSLATION = 1L << 8;
    /** Bit 12: NMI unblocking due to IRET (not modeled, always 0). */
    public static final long NMI_UNBLOCKING = 1L << 12;
}
