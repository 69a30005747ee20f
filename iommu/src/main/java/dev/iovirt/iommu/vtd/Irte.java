package dev.iovirt.iommu.vtd;

/**
 * An interrupt remapping table entry: 128 bits in the IRT that IRTA_REG points to, indexed by the
 * interrupt index of a remappable interrupt request. Two formats, chosen by IM (bit 15).
 *
 * <p>Remapped format, IM = 0 (VT-d §9.10):
 * <pre>
 *   bit 0 P present · bit 1 FPD · bit 2 DM destination mode (1 logical) · bit 3 RH redirection hint
 *   bit 4 TM trigger mode (1 level) · bits 7:5 DLM delivery mode · bits 11:8 AVL · bits 14:12 reserved
 *   bit 15 IM = 0 · bits 23:16 V vector · bits 31:24 reserved
 *   bits 63:32 DST destination id (xAPIC mode: APIC id in bits 47:40, bits 39:32 and 63:48 reserved)
 *   bits 79:64 SID · bits 81:80 SQ · bits 83:82 SVT · bits 127:84 reserved
 * </pre>
 * Posted format, IM = 1 (VT-d §9.11):
 * <pre>
 *   bit 0 P · bit 1 FPD · bits 7:2 reserved · bits 11:8 AVL · bits 13:12 reserved · bit 14 URG urgent
 *   bit 15 IM = 1 · bits 23:16 VV virtual vector · bits 37:24 reserved · bits 63:38 PDA[31:6]
 *   bits 79:64 SID · bits 81:80 SQ · bits 83:82 SVT · bits 95:84 reserved · bits 127:96 PDA[63:32]
 * </pre>
 * Multi-byte fields are little-endian in host memory; {@code low} is bytes 0-7, {@code high} bytes 8-15.
 */
public final class Irte {
    private Irte() {
    }

    /** The size of one entry in bytes. VT-d §9.10. */
    public static final int SIZE = 16;
    /** Bit 0: P. VT-d §9.10. */
    public static final long PRESENT = 1L;
    /** Bit 1: FPD, fault processing disable. VT-d §9.10. */
    public static final long FAULT_PROCESSING_DISABLE = 1L << 1;
    /** Bit 2: DM, destination mode (0 physical, 1 logical). VT-d §9.10. */
    public static final long DESTINATION_MODE_LOGICAL = 1L << 2;
    /** Bit 3: RH, redirection hint. VT-d §9.10. */
    public static final long REDIRECTION_HINT = 1L << 3;
    /** Bit 4: TM, trigger mode (0 edge, 1 level). VT-d §9.10. */
    public static final long TRIGGER_LEVEL = 1L << 4;
    /** Bits 7:5: DLM, delivery mode (0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT). VT-d §9.10. */
    public static final int DLM_SHIFT = 5;
    /** Bit 14: URG, urgent (posted format). VT-d §9.11. */
    public static final long URGENT = 1L << 14;
    /** Bit 15: IM, IRTE mode (1 posted). VT-d §9.10, §9.11. */
    public static final long POSTED = 1L << 15;
    /** Bits 23:16: V (remapped) or VV (posted), the vector. VT-d §9.10. */
    public static final int VECTOR_SHIFT = 16;
    /** Bits 63:32: DST. VT-d §9.10. */
    public static final int DST_SHIFT = 32;
    /** Reserved bits of the low half, remapped format, x2APIC mode: 14:12 and 31:24. VT-d §9.10. */
    public static final long RESERVED_LOW_REMAPPED = 0x7000L | 0xFF00_0000L;
    /** Further reserved bits of DST in xAPIC mode (EIME = 0): 39:32 and 63:48. VT-d §9.10. */
    public static final long RESERVED_LOW_XAPIC_DST = 0xFFFF_0000_0000_0000L | 0xFF_0000_0000L;
    /** Reserved bits of the low half, posted format: 7:2, 13:12, 37:24. VT-d §9.11. */
    public static final long RESERVED_LOW_POSTED = 0xFCL | 0x3000L | 0x3F_FF00_0000L;
    /** High bits 15:0 (IRTE bits 79:64): SID. VT-d §9.10. */
    public static final long SID_MASK = 0xFFFFL;
    /** High bits 17:16 (IRTE bits 81:80): SQ. VT-d §9.10. */
    public static final int SQ_SHIFT = 16;
    /** High bits 19:18 (IRTE bits 83:82): SVT. VT-d §9.10. */
    public static final int SVT_SHIFT = 18;
    /** SVT 00b: no source-id verification. VT-d §9.10. */
    public static final int SVT_NONE = 0;
    /** SVT 01b: verify the requester-id against SID, masked by SQ. VT-d §9.10. */
    public static final int SVT_REQUESTER_ID = 1;
    /** SVT 10b: verify that the requester's bus is in [SID[15:8], SID[7:0]]. VT-d §9.10. */
    public static final int SVT_BUS_RANGE = 2;
    /** High bits 63:20 reserved in the remapped format (IRTE bits 127:84). VT-d §9.10. */
    public static final long RESERVED_HIGH_REMAPPED = 0xFFFF_FFFF_FFF0_0000L;
    /** High bits 31:20 reserved in the posted format (IRTE bits 95:84). VT-d §9.11. */
    public static final long RESERVED_HIGH_POSTED = 0xFFF0_0000L;

    /** The low half of a present remapped-format entry. */
    public static long remappedLow(int vector, int destination, boolean logical, int deliveryMode, boolean level, boolean redirectionHint) {
        return PRESENT | (logical ? DESTINATION_MODE_LOGICAL : 0) | (redirectionHint ? REDIRECTION_HINT : 0)
                | (level ? TRIGGER_LEVEL : 0) | ((long) (deliveryMode & 7) << DLM_SHIFT) | ((long) (vector & 0xFF) << VECTOR_SHIFT)
                | ((destination & 0xFFFF_FFFFL) << DST_SHIFT);
    }

    /** The low half of a present posted-format entry with descriptor address {@code pda} (64-byte aligned). */
    public static long postedLow(int virtualVector, long pda, boolean urgent) {
        return PRESENT | POSTED | (urgent ? URGENT : 0) | ((long) (virtualVector & 0xFF) << VECTOR_SHIFT)
                | ((pda & 0xFFFF_FFC0L) << 32); // PDA[31:6] in bits 63:38
    }

    /** The high half: source validation, and for the posted format PDA[63:32]. */
    public static long high(int svt, int sq, int sid, long pda) {
        return (sid & SID_MASK) | ((long) (sq & 3) << SQ_SHIFT) | ((long) (svt & 3) << SVT_SHIFT) | ((pda >>> 32) << 32);
    }

    public static boolean present(long low) {
        return (low & PRESENT) != 0;
    }

    public static boolean posted(long low) {
        return (low & POSTED) != 0;
    }

    public static boolean faultProcessingDisabled(long low) {
        return (low & FAULT_PROCESSING_DISABLE) != 0;
    }

    public static int vector(long low) {
        return (int) (low >>> VECTOR_SHIFT) & 0xFF;
    }

    public static int deliveryMode(long low) {
        return (int) (low >>> DLM_SHIFT) & 7;
    }

    /** The destination id: the APIC id in bits 47:40 in xAPIC mode, the full 32 bits in x2APIC mode (IRTA.EIME). */
    public static int destination(long low, boolean x2apic) {
        return x2apic ? (int) (low >>> DST_SHIFT) : (int) (low >>> 40) & 0xFF;
    }

    /** The posted-interrupt descriptor address: PDA[63:32] from the high half, PDA[31:6] from low bits 63:38. */
    public static long postedDescriptorAddress(long low, long high) {
        return (high & 0xFFFF_FFFF_0000_0000L) | ((low >>> 32) & 0xFFFF_FFC0L);
    }

    public static int sid(long high) {
        return (int) (high & SID_MASK);
    }

    public static int sq(long high) {
        return (int) (high >>> SQ_SHIFT) & 3;
    }

    public static int svt(long high) {
        return (int) (high >>> SVT_SHIFT) & 3;
    }

    /**
     * The source-id verification of VT-d §9.10 (SVT/SQ/SID). A device that forges another device's
     * remappable MSI fails here.
     *
     * @return true if {@code requesterId} may use this entry; false for a mismatch (fault 0x26)
     */
    public static boolean sourceIdAllowed(long high, int requesterId) {
        int sid = sid(high);
        return switch (svt(high)) {
            case SVT_NONE -> true;
            case SVT_REQUESTER_ID -> {
                // SQ: 00 compare all 16 bits; 01 ignore bit 2; 10 ignore bits 2:1; 11 ignore bits 2:0. VT-d §9.10 Table.
                int ignore = switch (sq(high)) {
                    case 0 -> 0;
                    case 1 -> 0b100;
                    case 2 -> 0b110;
                    default -> 0b111;
                };
                yield (sid & ~ignore) == (requesterId & ~ignore);
            }
            case SVT_BUS_RANGE -> {
                int bus = requesterId >>> 8;
                yield bus >= (sid >>> 8) && bus <= (sid & 0xFF);
            }
            default -> false; // SVT 11b is reserved; the caller reports reserved fields first
        };
    }
}
