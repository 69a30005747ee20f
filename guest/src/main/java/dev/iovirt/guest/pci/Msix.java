package dev.iovirt.guest.pci;

import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.pci.PciConfig;

/**
 * The guest side of MSI-X (PCI 3.0 §6.8.2): find the table through the capability, write an entry's
 * message address (0xFEE00000 | destination APIC ID << 12, SDM Vol. 3A §11.11.1) and data (the vector)
 * by MMIO into the BAR, unmask it, and set the enable bit. Each MMIO write is an exit to the VMM's
 * user space, as it is for a real driver.
 */
public final class Msix {
    private final GuestCpu cpu;
    private final PciEnumerator config;
    private final PciDevice device;
    private final int cap;
    private final long table;

    public Msix(GuestCpu cpu, PciDevice device) {
        this.cpu = cpu;
        this.config = new PciEnumerator(cpu);
        this.device = device;
        this.cap = device.capability(PciConfig.CAP_ID_MSIX);
        if (cap < 0) {
            throw new IllegalArgumentException(device + " has no MSI-X capability");
        }
        int tableOffsetBir = config.read(device.bdf(), cap + PciConfig.MSIX_TABLE_OFFSET_BIR);
        this.table = device.barAddress()[tableOffsetBir & 7] + (tableOffsetBir & ~7L & 0xFFFF_FFFFL);
    }

    /** Table entries the device offers. */
    public int tableSize() {
        return ((config.read(device.bdf(), cap) >>> 16) & 0x7FF) + 1;
    }

    /** Programs entry {@code entry} to send {@code vector} to APIC ID {@code apicId} and unmasks it. */
    public void route(int entry, int apicId, int vector) {
        long e = table + (long) entry * PciConfig.MSIX_ENTRY_SIZE;
        cpu.write32(e, 0xFEE0_0000 | (apicId & 0xFF) << 12);
        cpu.write32(e + 4, 0);
        cpu.write32(e + 8, vector & 0xFF);
        cpu.write32(e + 12, 0);
    }

    /** Sets the MSI-X enable bit (and clears the function mask). */
    public void enable() {
        int control = config.read(device.bdf(), cap) >>> 16;
        control = (control | PciConfig.MSIX_CONTROL_ENABLE) & ~PciConfig.MSIX_CONTROL_FUNCTION_MASK;
        config.write16(device.bdf(), cap + PciConfig.MSIX_MESSAGE_CONTROL, control);
    }
}
