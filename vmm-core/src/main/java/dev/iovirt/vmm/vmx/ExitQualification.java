package dev.iovirt.vmm.vmx;

/**
 * Exit-qualification layouts other than EPT violations (for those see
 * {@link dev.iovirt.vmm.ept.EptViolation}). SDM Vol. 3C §28.2.1.
 */
public final class ExitQualification {
    private ExitQualification() {
    }

    // I/O instructions. SDM Vol. 3C Table 28-5.
    /** Bits 2:0: size of access minus one (0 = 1 byte, 1 = 2 bytes, 3 = 4 bytes). */
    public static final int IO_SIZE_MASK = 7;
    /** Bit 3: direction, 1 = IN. */
    public static final int IO_IN = 1 << 3;
    /** Bit 4: string instruction. */
    public static final int IO_STRING = 1 << 4;
    /** Bit 5: REP prefixed. */
    public static final int IO_REP = 1 << 5;
    /** Bit 6: operand encoding, 1 = immediate port, 0 = DX. */
    public static final int IO_IMMEDIATE = 1 << 6;
    /** Bits 31:16: port number. */
    public static final int IO_PORT_SHIFT = 16;

    public static long io(int port, int size, boolean in) {
        return ((long) (port & 0xFFFF) << IO_PORT_SHIFT) | (size - 1) | (in ? IO_IN : 0);
    }

    public static int ioPort(long q) {
        return (int) (q >>> IO_PORT_SHIFT) & 0xFFFF;
    }

    public static int ioSize(long q) {
        return (int) (q & IO_SIZE_MASK) + 1;
    }

    public static boolean ioIn(long q) {
        return (q & IO_IN) != 0;
    }

    // Control-register accesses. SDM Vol. 3C Table 28-3.
    /** Bits 3:0: the control register. */
    public static final int CR_NUMBER_MASK = 0xF;
    /** Bits 5:4: access type, 0 = MOV to CR, 1 = MOV from CR, 2 = CLTS, 3 = LMSW. */
    public static final int CR_ACCESS_SHIFT = 4;
    public static final int CR_MOV_TO = 0;
    public static final int CR_MOV_FROM = 1;
    /** Bits 11:8: the general-purpose register operand (0 = RAX ... 15 = R15). */
    public static final int CR_GPR_SHIFT = 8;

    public static long crAccess(int cr, int accessType, int gpr) {
        return (cr & CR_NUMBER_MASK) | ((long) accessType << CR_ACCESS_SHIFT) | ((long) gpr << CR_GPR_SHIFT);
    }
}
