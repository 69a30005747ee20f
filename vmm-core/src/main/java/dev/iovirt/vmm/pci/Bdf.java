package dev.iovirt.vmm.pci;

/**
 * A PCI bus/device/function address. PCIe Base Spec 6.0 §2.2.4.2 (Requester ID): bus 8 bits, device
 * 5 bits, function 3 bits.
 */
public record Bdf(int bus, int device, int function) {
    public Bdf {
        if (bus < 0 || bus > 255 || device < 0 || device > 31 || function < 0 || function > 7) {
            throw new IllegalArgumentException("invalid BDF " + bus + ":" + device + "." + function);
        }
    }

    public static Bdf of(int bus, int device, int function) {
        return new Bdf(bus, device, function);
    }

    /** The 16-bit requester ID (bus << 8 | device << 3 | function), as an IOMMU sees it. */
    public int requesterId() {
        return bus << 8 | device << 3 | function;
    }

    @Override
    public String toString() {
        return String.format("%02x:%02x.%x", bus, device, function);
    }
}
