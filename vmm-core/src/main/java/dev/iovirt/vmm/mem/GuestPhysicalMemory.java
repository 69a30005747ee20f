package dev.iovirt.vmm.mem;

import java.util.ArrayList;
import java.util.List;

/**
 * One VM's guest-physical address space as the VMM knows it: the memory slots that are RAM. An address
 * in no slot is not RAM: it is MMIO (if a device claims it) or nothing at all.
 */
public final class GuestPhysicalMemory {
    private final HostMemory host;
    private final MemoryAccount account;
    private final List<MemorySlot> slots = new ArrayList<>();
    private volatile MemorySlot[] slotArray = new MemorySlot[0];

    public GuestPhysicalMemory(HostMemory host, MemoryAccount account) {
        this.host = host;
        this.account = account;
    }

    public HostMemory host() {
        return host;
    }

    public MemoryAccount account() {
        return account;
    }

    /** Adds a RAM (or ROM) slot; slots may not overlap. */
    public synchronized MemorySlot addSlot(Gpa base, long size, boolean readOnly, PageSize backing) {
        for (MemorySlot s : slots) {
            if (base.value() < s.base().value() + s.size() && s.base().value() < base.value() + size) {
                throw new IllegalArgumentException("slot at " + base + " overlaps " + s);
            }
        }
        MemorySlot slot = new MemorySlot(slots.size(), base, size, readOnly, backing, host, account);
        slots.add(slot);
        slotArray = slots.toArray(new MemorySlot[0]);
        return slot;
    }

    /** The slot containing {@code gpa}, or {@code null} if it is not RAM. */
    public MemorySlot slotFor(long gpa) {
        for (MemorySlot s : slotArray) {
            if (s.contains(gpa)) {
                return s;
            }
        }
        return null;
    }

    public List<MemorySlot> slots() {
        return List.of(slotArray);
    }

    /** Total bytes of RAM declared by the slots. */
    public long declaredBytes() {
        long sum = 0;
        for (MemorySlot s : slotArray) {
            sum += s.size();
        }
        return sum;
    }
}
