package dev.iovirt.vmm.ept;

import dev.iovirt.vmm.mem.Hpa;

/**
 * The extended-page-table pointer, VMCS field 0x201A. SDM Vol. 3C §25.6.11, Table 25-9.
 *
 * <ul>
 *   <li>bits 2:0 — EPT paging-structure memory type: 0 (UC) or 6 (WB);</li>
 *   <li>bits 5:3 — page-walk length minus one: 3 for four levels;</li>
 *   <li>bit 6 — enable accessed and dirty flags for EPT (SDM Vol. 3C §29.3.5);</li>
 *   <li>bits 11:7 — reserved (bit 7 is supervisor shadow-stack enforcement, not modeled: must be 0);</li>
 *   <li>bits MAXPHYADDR-1:12 — host-physical address of the PML4 table.</li>
 * </ul>
 */
public final class Eptp {
    private Eptp() {
    }

    public static final int MEMORY_TYPE_MASK = 7;
    public static final int WALK_LENGTH_SHIFT = 3;
    /** Bits 5:3 value for a four-level walk. */
    public static final int WALK_LENGTH_4 = 3;
    public static final long ENABLE_AD = 1L << 6;
    private static final long RESERVED_LOW = 0xF80L;

    /** Encodes a four-level, write-back EPTP. */
    public static long of(Hpa pml4, boolean accessedDirty) {
        return (pml4.value() & EptEntry.ADDRESS_MASK) | EptEntry.MT_WB | ((long) WALK_LENGTH_4 << WALK_LENGTH_SHIFT)
                | (accessedDirty ? ENABLE_AD : 0);
    }

    public static long pml4(long eptp) {
        return eptp & EptEntry.ADDRESS_MASK;
    }

    public static boolean accessedDirtyEnabled(long eptp) {
        return (eptp & ENABLE_AD) != 0;
    }

    /**
     * The VM-entry check on the EPTP when "enable EPT" is 1 (SDM Vol. 3C §27.2.1.1): a supported memory
     * type, a supported walk length, reserved bits clear, and an address within MAXPHYADDR.
     *
     * @return {@code null} if valid, else what is wrong
     */
    public static String invalidReason(long eptp) {
        int mt = (int) (eptp & MEMORY_TYPE_MASK);
        if (mt != EptEntry.MT_UC && mt != EptEntry.MT_WB) {
            return "EPTP memory type " + mt + " is not UC or WB";
        }
        if (((eptp >>> WALK_LENGTH_SHIFT) & 7) != WALK_LENGTH_4) {
            return "EPTP page-walk length " + (((eptp >>> WALK_LENGTH_SHIFT) & 7) + 1) + " is not 4";
        }
        if ((eptp & RESERVED_LOW) != 0) {
            return "EPTP reserved bits 11:7 are set";
        }
        if ((eptp & ~((1L << EptEntry.MAXPHYADDR) - 1)) != 0) {
            return "EPTP address is beyond MAXPHYADDR";
        }
        return null;
    }
}
