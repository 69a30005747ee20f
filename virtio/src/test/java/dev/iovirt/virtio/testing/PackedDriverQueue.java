package dev.iovirt.virtio.testing;

import dev.iovirt.virtio.queue.PackedRing;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import java.util.ArrayList;
import java.util.List;

/** A packed virtqueue from the driver's side (virtio 1.2 §2.8.21-22), for testing devices. */
public final class PackedDriverQueue {
    public final DmaMemory mem;
    public final int size;
    public final long ring;
    public final long driverArea;
    public final long deviceArea;
    private int nextAvail;
    private boolean wrap = true;
    private int lastUsed;
    private boolean usedWrap = true;
    private final int[] idLength;
    private int nextId;

    public PackedDriverQueue(DmaMemory mem, long base, int size) {
        this.mem = mem;
        this.size = size;
        this.ring = base;
        this.driverArea = base + PackedRing.ringBytes(size);
        this.deviceArea = driverArea + 4;
        this.idLength = new int[size];
    }

    public Gpa ringGpa() {
        return Gpa.of(ring);
    }

    public Gpa driverGpa() {
        return Gpa.of(driverArea);
    }

    public Gpa deviceGpa() {
        return Gpa.of(deviceArea);
    }

    /** Flags that make a descriptor available in the driver's current lap. */
    public int availFlags() {
        return wrap ? PackedRing.DESC_F_AVAIL : PackedRing.DESC_F_USED;
    }

    /** Writes descriptor {@code index} raw (a driver breaking the rules). */
    public void writeDesc(int index, long addr, int len, int id, int flags) {
        long d = ring + (long) PackedRing.DESC_SIZE * index;
        mem.write64(Gpa.of(d + PackedRing.DESC_ADDR), addr);
        mem.write32(Gpa.of(d + PackedRing.DESC_LEN), len);
        mem.write16(Gpa.of(d + PackedRing.DESC_ID), id);
        mem.write16(Gpa.of(d + PackedRing.DESC_FLAGS), flags);
    }

    /** Makes a buffer of the segments available; returns its buffer ID. The head's flags are written last (§2.8.21). */
    public int add(DriverQueue.Segment... segments) {
        int id = nextId;
        while (idLength[id] != 0) {
            id = (id + 1) % size;
        }
        nextId = (id + 1) % size;
        int headIndex = nextAvail;
        int headFlags = 0;
        for (int i = 0; i < segments.length; i++) {
            DriverQueue.Segment s = segments[i];
            int flags = availFlags() | (s.writable() ? PackedRing.DESC_F_WRITE : 0)
                    | (i < segments.length - 1 ? PackedRing.DESC_F_NEXT : 0);
            if (i == 0) {
                headFlags = flags;
                writeDesc(nextAvail, s.addr(), s.len(), id, 0);
                mem.write16(Gpa.of(ring + (long) PackedRing.DESC_SIZE * nextAvail + PackedRing.DESC_FLAGS),
                        wrap ? PackedRing.DESC_F_USED : PackedRing.DESC_F_AVAIL); // not yet available
            } else {
                writeDesc(nextAvail, s.addr(), s.len(), id, flags);
            }
            nextAvail++;
            if (nextAvail == size) {
                nextAvail = 0;
                wrap = !wrap;
            }
        }
        mem.write16(Gpa.of(ring + (long) PackedRing.DESC_SIZE * headIndex + PackedRing.DESC_FLAGS), headFlags);
        idLength[id] = segments.length;
        return id;
    }

    public record Used(int id, int len) {
    }

    /** Reads the used descriptors the device wrote since the last call. */
    public List<Used> takeUsed() {
        List<Used> out = new ArrayList<>();
        while (true) {
            long d = ring + (long) PackedRing.DESC_SIZE * lastUsed;
            int flags = mem.read16(Gpa.of(d + PackedRing.DESC_FLAGS));
            boolean avail = (flags & PackedRing.DESC_F_AVAIL) != 0;
            boolean used = (flags & PackedRing.DESC_F_USED) != 0;
            if (avail != usedWrap || used != usedWrap) {
                return out;
            }
            int id = mem.read16(Gpa.of(d + PackedRing.DESC_ID));
            out.add(new Used(id, mem.read32(Gpa.of(d + PackedRing.DESC_LEN))));
            lastUsed += idLength[id];
            idLength[id] = 0;
            if (lastUsed >= size) {
                lastUsed -= size;
                usedWrap = !usedWrap;
            }
        }
    }

    /** Sets the driver's event suppression: flags and, for DESC, the descriptor to be told at. */
    public void setDriverEvent(int flags, int offset, boolean offsetWrap) {
        mem.write16(Gpa.of(driverArea + PackedRing.EVENT_OFF_WRAP), offset | (offsetWrap ? 1 << PackedRing.EVENT_WRAP_BIT : 0));
        mem.write16(Gpa.of(driverArea + PackedRing.EVENT_FLAGS), flags);
    }

    public int deviceEventFlags() {
        return mem.read16(Gpa.of(deviceArea + PackedRing.EVENT_FLAGS));
    }

    public int deviceEventOffWrap() {
        return mem.read16(Gpa.of(deviceArea + PackedRing.EVENT_OFF_WRAP));
    }

    public boolean wrapCounter() {
        return wrap;
    }

    public int nextAvail() {
        return nextAvail;
    }
}
