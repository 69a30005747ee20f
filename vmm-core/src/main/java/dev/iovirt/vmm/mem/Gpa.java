package dev.iovirt.vmm.mem;

/**
 * A guest-physical address: what the guest believes is physical memory, translated by EPT to an
 * {@link Hpa}. Devices see guest-physical addresses through {@link DmaMemory}.
 *
 * @param value the guest-physical address
 */
public record Gpa(long value) {
    public static Gpa of(long value) {
        return new Gpa(value);
    }

    public Gpa plus(long bytes) {
        return new Gpa(value + bytes);
    }

    @Override
    public String toString() {
        return "GPA 0x" + Long.toHexString(value);
    }
}
