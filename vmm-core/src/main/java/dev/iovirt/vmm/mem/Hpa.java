package dev.iovirt.vmm.mem;

/**
 * A host-physical address: a byte of {@link HostMemory}. Only the VMM and the modeled hardware (EPT
 * walker, VMX instructions) hold these; guests never see one.
 *
 * @param value the host-physical address
 */
public record Hpa(long value) {
    public static Hpa of(long value) {
        return new Hpa(value);
    }

    public Hpa plus(long bytes) {
        return new Hpa(value + bytes);
    }

    /** The 4 KiB frame number of this address. */
    public long frame() {
        return value >>> HostMemory.FRAME_SHIFT;
    }

    @Override
    public String toString() {
        return "HPA 0x" + Long.toHexString(value);
    }
}
