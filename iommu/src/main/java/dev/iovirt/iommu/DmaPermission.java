package dev.iovirt.iommu;

/** Permissions of a second-level mapping: bits 1:0 of the leaf entry. VT-d §9.8. */
public final class DmaPermission {
    private DmaPermission() {
    }

    /** The device may read (bit 0, R). */
    public static final int READ = 1;
    /** The device may write (bit 1, W). */
    public static final int WRITE = 2;
    /** Both. */
    public static final int READ_WRITE = READ | WRITE;
}
