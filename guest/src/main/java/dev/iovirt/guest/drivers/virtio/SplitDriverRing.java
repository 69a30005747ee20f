package dev.iovirt.guest.drivers.virtio;

import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.virtio.queue.SplitRing;

/**
 * The driver side of a split ring (virtio 1.2 §2.7.13): descriptor {@code id} holds buffer {@code id}.
 * Every access is a load or store through the vCPU's MMU — no exit.
 */
final class SplitDriverRing implements DriverRing {
    private final GuestCpu cpu;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private final boolean eventIdx;
    private int availIdx;
    private int publishedIdx;
    private int lastUsed;

    SplitDriverRing(GuestCpu cpu, long base, int size, boolean eventIdx) {
        this.cpu = cpu;
        this.size = size;
        this.desc = base;
        this.avail = base + SplitRing.descTableBytes(size);
        this.used = (avail + SplitRing.availBytes(size) + SplitRing.USED_ALIGN - 1) & -(long) SplitRing.USED_ALIGN;
        this.eventIdx = eventIdx;
    }

    /** Bytes of guest memory the three areas take. */
    static long bytes(int size) {
        long avail = SplitRing.descTableBytes(size);
        long used = (avail + SplitRing.availBytes(size) + 3) & ~3L;
        return used + SplitRing.usedBytes(size);
    }

    long descArea() {
        return desc;
    }

    long driverArea() {
        return avail;
    }

    long deviceArea() {
        return used;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean add(int id, long address, int length, boolean deviceWritable) {
        if (((availIdx - lastUsed) & 0xFFFF) >= size) {
            return false;
        }
        long d = desc + (long) SplitRing.DESC_SIZE * id;
        cpu.write64(d + SplitRing.DESC_ADDR, address);
        cpu.write32(d + SplitRing.DESC_LEN, length);
        cpu.write16(d + SplitRing.DESC_FLAGS, deviceWritable ? SplitRing.DESC_F_WRITE : 0);
        cpu.write16(avail + SplitRing.AVAIL_RING + 2L * (availIdx & (size - 1)), id);
        availIdx = (availIdx + 1) & 0xFFFF;
        return true;
    }

    @Override
    public boolean publish() {
        int old = publishedIdx;
        if (old == availIdx) {
            return false;
        }
        // §2.7.13.3: the ring entries before the index that publishes them.
        cpu.write16(avail + SplitRing.AVAIL_IDX, availIdx);
        publishedIdx = availIdx;
        if (eventIdx) {
            int availEvent = cpu.read16(used + SplitRing.availEventOffset(size));
            return SplitRing.needEvent(availEvent, availIdx, old);
        }
        return (cpu.read16(used + SplitRing.USED_FLAGS) & SplitRing.USED_F_NO_NOTIFY) == 0;
    }

    @Override
    public long takeUsed() {
        int usedIdx = cpu.read16(used + SplitRing.USED_IDX);
        if (usedIdx == lastUsed) {
            return -1;
        }
        long e = used + SplitRing.USED_RING + (long) SplitRing.USED_ELEM_SIZE * (lastUsed & (size - 1));
        int id = cpu.read32(e);
        int len = cpu.read32(e + 4);
        lastUsed = (lastUsed + 1) & 0xFFFF;
        return (long) id << 32 | (len & 0xFFFF_FFFFL);
    }

    @Override
    public boolean enableInterrupts() {
        if (eventIdx) {
            cpu.write16(avail + SplitRing.usedEventOffset(size), lastUsed); // §2.7.10: interrupt at the next one
        } else {
            cpu.write16(avail + SplitRing.AVAIL_FLAGS, 0);
        }
        return cpu.read16(used + SplitRing.USED_IDX) != lastUsed;
    }

    @Override
    public void disableInterrupts() {
        if (eventIdx) {
            // An event index half a lap behind is never reached soon: the device will not interrupt.
            cpu.write16(avail + SplitRing.usedEventOffset(size), (lastUsed - 0x8000) & 0xFFFF);
        } else {
            cpu.write16(avail + SplitRing.AVAIL_FLAGS, SplitRing.AVAIL_F_NO_INTERRUPT);
        }
    }
}
