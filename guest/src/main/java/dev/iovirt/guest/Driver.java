package dev.iovirt.guest;

import dev.iovirt.guest.pci.PciDevice;

/** A device driver, bound to a PCI function by vendor and device ID. */
public interface Driver {
    /** Takes the device: initialises it through its registers. Returns false to decline it. */
    boolean probe(Kernel kernel, PciDevice device);
}
