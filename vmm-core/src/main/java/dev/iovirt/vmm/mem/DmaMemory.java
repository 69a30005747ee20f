package dev.iovirt.vmm.mem;

/**
 * What a device model sees of memory: reads and writes of guest-physical addresses, as a bus master
 * does them. Whether the addresses are translated by an IOMMU is decided by whoever wires the device
 * (the IOMMU issue wraps this interface); a device cannot tell. A device never sees host addresses.
 *
 * <p>Accesses may cross page boundaries. An access to an address that is not RAM fails with
 * {@link DmaFaultException} (a real bus would master-abort; the device model records the error).
 */
public interface DmaMemory {
    void read(Gpa address, byte[] dst, int off, int len);

    void write(Gpa address, byte[] src, int off, int len);

    int read8(Gpa address);

    int read16(Gpa address);

    int read32(Gpa address);

    long read64(Gpa address);

    void write8(Gpa address, int value);

    void write16(Gpa address, int value);

    void write32(Gpa address, int value);

    void write64(Gpa address, long value);
}
