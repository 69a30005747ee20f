package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.vmm.pci.PciConfig;
import dev.iovirt.vmm.pci.PciFunction;

/** A PCI Express endpoint function: a type-0 header plus the PCI Express capability (PCIe Base Spec 6.0 §7.5.3). */
abstract class PcieFunction extends PciFunction {
    /** Offset of the PCI Express capability in configuration space. */
    private final int pcieCap;

    PcieFunction(int vendorId, int deviceId) {
        super(vendorId, deviceId, CLASS_ETHERNET, 0x02);
        pcieCap = addCapability(PciConfig.CAP_ID_PCIE, PCIE_CAP_LENGTH);
        put16(pcieCap + PCIE_CAPABILITIES, PCIE_CAP_VERSION_2 | PCIE_TYPE_ENDPOINT);
        // No Function Level Reset: bit 28 stays clear (docs/sriov.md, "not built").
        put32(pcieCap + PCIE_DEVICE_CAPABILITIES, PCIE_DEVCAP_MPS_256);
        // Device Control bits 7:0 (error reporting enables, relaxed ordering, MPS) are software's; they have no effect here.
        put16(pcieCap + PCIE_DEVICE_CONTROL, 0x2810); // §7.5.3.4 defaults: MRRS 512 B, relaxed ordering enabled
        setWritable(pcieCap + PCIE_DEVICE_CONTROL, 1);
        put32(pcieCap + PCIE_LINK_CAPABILITIES, PCIE_LINK_SPEED_8GT | PCIE_LINK_WIDTH_X8 << 4);
        put16(pcieCap + PCIE_LINK_STATUS, PCIE_LINK_SPEED_8GT | PCIE_LINK_WIDTH_X8 << 4);
    }

    /** Offset of the PCI Express capability. */
    public final int pcieCapabilityOffset() {
        return pcieCap;
    }

    /**
     * The value register {@code [reg, reg + regSize)} takes when a configuration write of {@code size}
     * bytes at {@code offset} overlays its bytes on {@code current}; {@code -1} if the write does not
     * touch the register.
     */
    static long overlay(int reg, int regSize, int current, int offset, int size, int value) {
        if (offset >= reg + regSize || offset + size <= reg) {
            return -1;
        }
        int result = current;
        for (int i = 0; i < size; i++) {
            int o = offset + i - reg;
            if (o >= 0 && o < regSize) {
                int b = (value >>> (8 * i)) & 0xFF;
                result = (result & ~(0xFF << (8 * o))) | b << (8 * o);
            }
        }
        return regSize == 4 ? result & 0xFFFF_FFFFL : result & ((1L << (8 * regSize)) - 1);
    }
}
