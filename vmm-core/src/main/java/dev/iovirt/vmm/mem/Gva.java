package dev.iovirt.vmm.mem;

/**
 * A guest-virtual (linear) address: what guest code names, translated by the guest's own page tables
 * to a {@link Gpa}. A distinct type so that a linear address cannot be handed to EPT or DMA.
 *
 * @param value the 64-bit linear address
 */
public record Gva(long value) {
    public static Gva of(long value) {
        return new Gva(value);
    }

    public Gva plus(long bytes) {
        return new Gva(value + bytes);
    }

    @Override
    public String toString() {
        return "GVA 0x" + Long.toHexString(value);
    }
}
