package dev.iovirt.virtio.testing;

import dev.iovirt.virtio.queue.SplitRing;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import java.util.ArrayList;
import java.util.List;

/**
 * A split virtqueue "from the perspective of the driver" (as rust-vmm's MockSplitQueue), for
 * testing devices: it lays the rings out in memory, makes buffers available, reads what the device
 * used, and can write anything a malicious driver would. It is not the guest's driver (that one
 * reaches memory through its vCPU's MMU).
 */
public final class DriverQueue {
    public final DmaMemory mem;
    public final int size;
    public final long desc;
    public final long avail;
    public final long used;
    private int nextDesc;
    private int availIdx;
    private int lastUsed;

    /** Lays the queue out at {@code base}: descriptor table, then available ring, then used ring (aligned). */
    public DriverQueue(DmaMemory mem, long base, int size) {
        this.mem = mem;
        this.size = size;
        this.desc = base;
        this.avail = base + SplitRing.descTableBytes(size);
        this.used = (avail + SplitRing.availBytes(size) + 3) & ~3L;
    }

    public Gpa descGpa() {
        return Gpa.of(desc);
    }

    public Gpa availGpa() {
        return Gpa.of(avail);
    }

    public Gpa usedGpa() {
        return Gpa.of(used);
    }

    /** One buffer segment: address, length, device-writable. */
    public record Segment(long addr, int len, boolean writable) {
        public static Segment readable(long addr, int len) {
            return new Segment(addr, len, false);
        }

        public static Segment writable(long addr, int len) {
            return new Segment(addr, len, true);
        }
    }

    /** Writes descriptor {@code index} raw. */
    public void writeDesc(int index, long addr, int len, int flags, int next) {
        long d = desc + (long) SplitRing.DESC_SIZE * index;
        mem.write64(Gpa.of(d + SplitRing.DESC_ADDR), addr);
        mem.write32(Gpa.of(d + SplitRing.DESC_LEN), len);
        mem.write16(Gpa.of(d + SplitRing.DESC_FLAGS), flags);
        mem.write16(Gpa.of(d + SplitRing.DESC_NEXT), next);
    }

    /** Chains the segments in free descriptors and returns the head index (not yet made available). */
    public int chain(Segment... segments) {
        int head = nextDesc;
        for (int i = 0; i < segments.length; i++) {
            int index = (nextDesc + i) % size;
            boolean last = i == segments.length - 1;
            Segment s = segments[i];
            writeDesc(index, s.addr, s.len, (s.writable ? SplitRing.DESC_F_WRITE : 0) | (last ? 0 : SplitRing.DESC_F_NEXT),
                    last ? 0 : (index + 1) % size);
        }
        nextDesc = (nextDesc + segments.length) % size;
        return head;
    }

    /** Puts {@code head} in the available ring and publishes the new avail idx. */
    public void makeAvailable(int head) {
        mem.write16(Gpa.of(avail + SplitRing.AVAIL_RING + 2L * (availIdx & (size - 1))), head);
        availIdx = (availIdx + 1) & 0xFFFF;
        mem.write16(Gpa.of(avail + SplitRing.AVAIL_IDX), availIdx);
    }

    /** Chains the segments and makes them available; returns the head. */
    public int add(Segment... segments) {
        int head = chain(segments);
        makeAvailable(head);
        return head;
    }

    /** Sets avail idx to anything (a driver breaking the rules). */
    public void setAvailIdx(int idx) {
        availIdx = idx & 0xFFFF;
        mem.write16(Gpa.of(avail + SplitRing.AVAIL_IDX), availIdx);
    }

    public void setAvailFlags(int flags) {
        mem.write16(Gpa.of(avail + SplitRing.AVAIL_FLAGS), flags);
    }

    /** Sets used_event (EVENT_IDX): "interrupt me when used idx passes this". */
    public void setUsedEvent(int idx) {
        mem.write16(Gpa.of(avail + SplitRing.usedEventOffset(size)), idx);
    }

    /** The device's avail_event (EVENT_IDX): where it wants the next kick. */
    public int availEvent() {
        return mem.read16(Gpa.of(used + SplitRing.availEventOffset(size)));
    }

    public int usedFlags() {
        return mem.read16(Gpa.of(used + SplitRing.USED_FLAGS));
    }

    public int usedIdx() {
        return mem.read16(Gpa.of(used + SplitRing.USED_IDX));
    }

    /** A used element: the head returned and the length the device wrote. */
    public record Used(int head, int len) {
    }

    /** Takes every used element the device published since the last call. */
    public List<Used> takeUsed() {
        List<Used> out = new ArrayList<>();
        int idx = usedIdx();
        while (lastUsed != idx) {
            long e = used + SplitRing.USED_RING + (long) SplitRing.USED_ELEM_SIZE * (lastUsed & (size - 1));
            out.add(new Used(mem.read32(Gpa.of(e)), mem.read32(Gpa.of(e + 4))));
            lastUsed = (lastUsed + 1) & 0xFFFF;
        }
        return out;
    }

    /** Whether a kick is due after adding, by the device's avail_event (§2.7.10) given the idx before. */
    public boolean kickNeeded(int oldAvailIdx) {
        return SplitRing.needEvent(availEvent(), availIdx, oldAvailIdx);
    }

    public int availIdxValue() {
        return availIdx;
    }
}
