package dev.iovirt.vmm.pci;

/**
 * Offsets and bits of the type-0 configuration header and of capabilities, shared by device models and
 * guest drivers. PCI Local Bus Spec 3.0 §6.1-§6.2, §6.7, §6.8.2; PCIe Base Spec 6.0 §7.5.1, §7.7.2.
 */
public final class PciConfig {
    private PciConfig() {
    }

    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    public static final int REVISION_ID = 0x08;
    /** Class code: bytes 0x09 (programming interface), 0x0A (subclass), 0x0B (base class). */
    public static final int CLASS_PROG_IF = 0x09;
    public static final int HEADER_TYPE = 0x0E;
    public static final int BAR0 = 0x10;
    public static final int SUBSYSTEM_VENDOR_ID = 0x2C;
    public static final int SUBSYSTEM_ID = 0x2E;
    public static final int CAPABILITIES_POINTER = 0x34;
    public static final int INTERRUPT_LINE = 0x3C;
    public static final int INTERRUPT_PIN = 0x3D;

    /** Command register bit 0: respond to I/O space accesses. */
    public static final int COMMAND_IO = 1;
    /** Command register bit 1: respond to memory space accesses. */
    public static final int COMMAND_MEMORY = 1 << 1;
    /** Command register bit 2: bus master (may DMA). */
    public static final int COMMAND_BUS_MASTER = 1 << 2;
    /** Command register bit 10: INTx disable. */
    public static final int COMMAND_INTX_DISABLE = 1 << 10;
    /** Status register bit 4: a capability list is present. */
    public static final int STATUS_CAPABILITIES_LIST = 1 << 4;

    /** BAR bit 0: 1 = I/O space BAR. */
    public static final int BAR_IO = 1;
    /** Memory BAR bits 2:1 = 10b: 64-bit. */
    public static final int BAR_MEM_64 = 2 << 1;
    /** Memory BAR bit 3: prefetchable. */
    public static final int BAR_PREFETCHABLE = 1 << 3;

    public static final int CAP_ID_MSI = 0x05;
    public static final int CAP_ID_PCIE = 0x10;
    public static final int CAP_ID_MSIX = 0x11;

    /** The first PCIe extended capability sits at 0x100. PCIe Base Spec 6.0 §7.6.3. */
    public static final int EXTENDED_CAPABILITIES = 0x100;
    /** Extended capability IDs. PCIe Base Spec 6.0 §7.6.3 / PCI-SIG ECN list. */
    public static final int EXT_CAP_ID_ARI = 0x000E;
    public static final int EXT_CAP_ID_SRIOV = 0x0010;

    // MSI-X capability. PCI Local Bus Spec 3.0 §6.8.2; PCIe Base Spec 6.0 §7.7.2.
    /** Message control: bits 10:0 table size minus one, bit 14 function mask, bit 15 MSI-X enable. */
    public static final int MSIX_MESSAGE_CONTROL = 2;
    public static final int MSIX_TABLE_OFFSET_BIR = 4;
    public static final int MSIX_PBA_OFFSET_BIR = 8;
    public static final int MSIX_CONTROL_FUNCTION_MASK = 1 << 14;
    public static final int MSIX_CONTROL_ENABLE = 1 << 15;
    /** One MSI-X table entry: address low, address high, data, vector control (bit 0 masked). */
    public static final int MSIX_ENTRY_SIZE = 16;
    public static final int MSIX_ENTRY_VECTOR_CONTROL_MASKED = 1;

    /** Configuration mechanism #1 address register: bit 31 enable, 23:16 bus, 15:11 device, 10:8 function, 7:2 register. */
    public static int configAddress(Bdf bdf, int register) {
        return 0x8000_0000 | bdf.bus() << 16 | bdf.device() << 11 | bdf.function() << 8 | (register & 0xFC);
    }

    /** ECAM offset of a function's register. PCIe Base Spec 6.0 §7.2.2, Table 7-1. */
    public static long ecamOffset(Bdf bdf, int register) {
        return (long) bdf.bus() << 20 | (long) bdf.device() << 15 | (long) bdf.function() << 12 | (register & 0xFFF);
    }
}
