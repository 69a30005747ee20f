package dev.iovirt.vmm.mem;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The host frames charged to one owner (a VM, or the host itself): guest RAM, EPT tables, VMCS
 * regions and bitmaps. Memory accounting per VM is the sum of its account.
 */
public final class MemoryAccount {
    private final String owner;
    private final AtomicLong frames = new AtomicLong();

    public MemoryAccount(String owner) {
        this.owner = owner;
    }

    public String owner() {
        return owner;
    }

    void charge(long delta) {
        frames.addAndGet(delta);
    }

    /** 4 KiB frames charged to this owner. */
    public long frames() {
        return frames.get();
    }

    /** Bytes charged to this owner. */
    public long bytes() {
        return frames.get() << HostMemory.FRAME_SHIFT;
    }

    @Override
    public String toString() {
        return owner + ": " + frames() + " frames";
    }
}
