package dev.iovirt.iommu;

/**
 * An I/O virtual address: what a device puts on the bus, translated by its domain's second-level
 * tables to an {@link dev.iovirt.vmm.mem.Hpa}. For a device assigned to a VM the IOVA space is the
 * VM's guest-physical space.
 *
 * @param value the address
 */
public record Iova(long value) {
    public static Iova of(long value) {
        return new Iova(value);
    }

    public Iova plus(long bytes) {
        return new Iova(value + bytes);
    }

    @Override
    public String toString() {
        return "IOVA 0x" + Long.toHexString(value);
    }
}
