package dev.iovirt.guest.pci;

import dev.iovirt.vmm.pci.Bdf;

/**
 * A PCI function as the guest kernel found it during enumeration: identity, class, and the BARs it
 * sized and placed.
 *
 * @param bdf where it sits
 * @param vendorId vendor ID
 * @param deviceId device ID
 * @param classCode 24-bit class code (base class, subclass, programming interface)
 * @param barAddress address assigned to each BAR (0 if absent)
 * @param barSize size of each BAR (0 if absent)
 * @param barIo whether each BAR is I/O space
 * @param capabilities capability ID to its config-space offset (first of each ID)
 */
public record PciDevice(Bdf bdf, int vendorId, int deviceId, int classCode, long[] barAddress, long[] barSize, boolean[] barIo,
        java.util.Map<Integer, Integer> capabilities) {
    /** The offset of capability {@code id}, or -1. */
    public int capability(int id) {
        return capabilities.getOrDefault(id, -1);
    }

    @Override
    public String toString() {
        return String.format("%s %04x:%04x class %06x", bdf, vendorId, deviceId, classCode);
    }
}
