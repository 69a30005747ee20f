package dev.iovirt.iommu.vtd;

/**
 * The remappable interrupt request format: an MSI whose address carries an interrupt handle
 * instead of a destination. VT-d §5.1.2.2.
 *
 * <pre>
 *   address bits 31:20 0xFEE · bits 19:5 HANDLE[14:0] · bit 4 interrupt format (1 remappable)
 *           bit 3 SHV subhandle valid · bit 2 HANDLE[15] · bits 1:0 don't care
 *   data    bits 15:0 SUBHANDLE (used when SHV) · bits 31:16 reserved (0)
 *   interrupt_index = SHV ? HANDLE + SUBHANDLE : HANDLE
 * </pre>
 * An address with bit 4 clear is the compatibility format of SDM Vol. 3A §11.11 ({@link dev.iovirt.vmm.apic.Msi}).
 */
public final class RemappableMsi {
    private RemappableMsi() {
    }

    /** Address bit 4: interrupt format, 1 = remappable. VT-d §5.1.2.2. */
    public static final long INTERRUPT_FORMAT = 1L << 4;
    /** Address bit 3: SHV, subhandle valid. VT-d §5.1.2.2. */
    public static final long SUBHANDLE_VALID = 1L << 3;
    /** Address bit 2: HANDLE[15]. VT-d §5.1.2.2. */
    public static final long HANDLE_15 = 1L << 2;
    /** Data bits 31:16 must be zero in a remappable request (fault reason 0x20 otherwise). VT-d §5.1.2.2. */
    public static final int DATA_RESERVED = 0xFFFF_0000;

    public static boolean remappable(long address) {
        return (address & INTERRUPT_FORMAT) != 0;
    }

    /** The interrupt index a remappable request names. VT-d §5.1.2.2. */
    public static int interruptIndex(long address, int data) {
        int handle = (int) ((address >>> 5) & 0x7FFF) | ((address & HANDLE_15) != 0 ? 0x8000 : 0);
        if ((address & SUBHANDLE_VALID) != 0) {
            return (handle + (data & 0xFFFF)) & 0xFFFF;
        }
        return handle;
    }

    /** The MSI address a device is programmed with to use IRTE {@code index} (SHV = 0). */
    public static long address(int index) {
        return 0xFEE0_0000L | ((long) (index & 0x7FFF) << 5) | INTERRUPT_FORMAT | ((index & 0x8000) != 0 ? HANDLE_15 : 0);
    }

    /** The MSI address for a block of vectors starting at IRTE {@code index}: SHV = 1, the data carries the subhandle. */
    public static long addressWithSubhandle(int index) {
        return address(index) | SUBHANDLE_VALID;
    }
}
