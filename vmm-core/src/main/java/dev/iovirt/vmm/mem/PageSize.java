package dev.iovirt.vmm.mem;

/** The three x86-64 page sizes, usable in both guest paging and EPT. SDM Vol. 3A §4.5, Vol. 3C §29.3.2. */
public enum PageSize {
    SIZE_4K(12),
    SIZE_2M(21),
    SIZE_1G(30);

    /** log2 of the size in bytes. */
    public final int shift;
    /** The size in bytes. */
    public final long bytes;
    /** Low bits of an address that are the offset inside a page of this size. */
    public final long offsetMask;
    /** The number of 4 KiB frames one page of this size spans. */
    public final long frames;

    PageSize(int shift) {
        this.shift = shift;
        this.bytes = 1L << shift;
        this.offsetMask = bytes - 1;
        this.frames = bytes >>> 12;
    }
}
