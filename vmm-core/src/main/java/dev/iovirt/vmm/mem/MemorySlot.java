package dev.iovirt.vmm.mem;

/**
 * A range of guest-physical addresses backed by host frames, like a KVM memslot: guest RAM (or ROM,
 * when {@code readOnly}). Backing is allocated on first touch, one backing page (4 KiB, or 2 MiB for a
 * VM backed by huge pages) at a time, and charged to the VM's {@link MemoryAccount}.
 *
 * <p>The record of which pages are backed is itself sparse: one {@code long[512]} per 2 MiB (or per
 * 1 GiB for 2 MiB backing) that has been touched, so a 256 MiB slot nobody touched costs 128 null
 * references.
 */
public final class MemorySlot {
    private final int id;
    private final Gpa base;
    private final long size;
    private final boolean readOnly;
    private final PageSize backing;
    private final HostMemory host;
    private final MemoryAccount account;
    private final long[][] pages;
    private long backedPages;

    MemorySlot(int id, Gpa base, long size, boolean readOnly, PageSize backing, HostMemory host, MemoryAccount account) {
        if (backing == PageSize.SIZE_1G) {
            throw new IllegalArgumentException("1 GiB backing is not offered for slots; map 1 GiB pages explicitly");
        }
        if ((base.value() & backing.offsetMask) != 0 || (size & backing.offsetMask) != 0 || size <= 0) {
            throw new IllegalArgumentException("slot " + base + "+0x" + Long.toHexString(size) + " is not aligned to " + backing);
        }
        this.id = id;
        this.base = base;
        this.size = size;
        this.readOnly = readOnly;
        this.backing = backing;
        this.host = host;
        this.account = account;
        long count = size >>> backing.shift;
        this.pages = new long[(int) ((count + 511) >>> 9)][];
    }

    public int id() {
        return id;
    }

    public Gpa base() {
        return base;
    }

    public long size() {
        return size;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** The page size of one backing allocation, and the largest EPT mapping this slot allows. */
    public PageSize backing() {
        return backing;
    }

    public boolean contains(long gpa) {
        return gpa >= base.value() && gpa - base.value() < size;
    }

    /** Backing pages allocated so far. */
    public synchronized long backedPages() {
        return backedPages;
    }

    /**
     * The host-physical address of the backing page containing {@code gpa}, allocating it on first touch.
     *
     * @return the host-physical address of the start of the backing page
     */
    public synchronized long backingPage(long gpa) {
        long index = (gpa - base.value()) >>> backing.shift;
        long[] leaf = pages[(int) (index >>> 9)];
        if (leaf == null) {
            leaf = new long[512];
            pages[(int) (index >>> 9)] = leaf;
        }
        long hpa = leaf[(int) (index & 511)];
        // Invariant: HostMemory never hands out frame 0, so host-physical address 0 means "not backed yet".
        if (hpa == 0) {
            hpa = backing == PageSize.SIZE_4K
                    ? host.allocateFrame(account).value()
                    : host.allocatePage(backing, account).value();
            leaf[(int) (index & 511)] = hpa;
            backedPages++;
        }
        return hpa;
    }

    /** Returns every backing page to the host pool (the VM is gone). */
    public synchronized void free() {
        for (long[] leaf : pages) {
            if (leaf == null) {
                continue;
            }
            for (int i = 0; i < leaf.length; i++) {
                if (leaf[i] != 0) {
                    host.free(new Hpa(leaf[i]), backing, account);
                    leaf[i] = 0;
                    backedPages--;
                }
            }
        }
    }

    /** The host-physical address backing {@code gpa}, allocating on first touch. */
    public long translate(long gpa) {
        return backingPage(gpa) + (gpa & backing.offsetMask);
    }

    @Override
    public String toString() {
        return "slot " + id + " [" + base + ", +0x" + Long.toHexString(size) + (readOnly ? ", ro" : "") + ", " + backing + "]";
    }
}
