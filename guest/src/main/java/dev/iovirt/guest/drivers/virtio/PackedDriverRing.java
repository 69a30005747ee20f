package dev.iovirt.guest.drivers.virtio;

import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.virtio.queue.PackedRing;

/**
 * The driver side of a packed ring (virtio 1.2 §2.8.21-23): each buffer is one descriptor, published
 * by writing its flags last with the driver's wrap counter. Every access goes through the MMU.
 */
final class PackedDriverRing implements DriverRing {
    private final GuestCpu cpu;
    private final int size;
    private final long ring;
    private final long driverArea;
    private final long deviceArea;
    private final boolean eventIdx;
    private int nextAvail;
    private boolean wrap = true;
    private int lastUsed;
    private boolean usedWrap = true;
    private int outstanding;
    /** Available descriptors written but not yet published: their flags wait in {@link #pendingFlags}. */
    private final int[] pendingIndex;
    private final int[] pendingFlags;
    private int pending;

    PackedDriverRing(GuestCpu cpu, long base, int size, boolean eventIdx) {
        this.cpu = cpu;
        this.size = size;
        this.ring = base;
        this.driverArea = base + PackedRing.ringBytes(size);
        this.deviceArea = driverArea + 4;
        this.eventIdx = eventIdx;
        this.pendingIndex = new int[size];
        this.pendingFlags = new int[size];
    }

    static long bytes(int size) {
        return PackedRing.ringBytes(size) + 8;
    }

    long descArea() {
        return ring;
    }

    long driverEventArea() {
        return driverArea;
    }

    long deviceEventArea() {
        return deviceArea;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean add(int id, long address, int length, boolean deviceWritable) {
        if (outstanding == size) {
            return false;
        }
        long d = ring + (long) PackedRing.DESC_SIZE * nextAvail;
        cpu.write64(d + PackedRing.DESC_ADDR, address);
        cpu.write32(d + PackedRing.DESC_LEN, length);
        cpu.write16(d + PackedRing.DESC_ID, id);
        pendingIndex[pending] = nextAvail;
        pendingFlags[pending] = (wrap ? PackedRing.DESC_F_AVAIL : PackedRing.DESC_F_USED)
                | (deviceWritable ? PackedRing.DESC_F_WRITE : 0);
        pending++;
        outstanding++;
        if (++nextAvail == size) {
            nextAvail = 0;
            wrap = !wrap;
        }
        return true;
    }

    @Override
    public boolean publish() {
        if (pending == 0) {
            return false;
        }
        // §2.8.21: flags last (each descriptor here is a whole buffer, so order among them is free).
        for (int i = 0; i < pending; i++) {
            cpu.write16(ring + (long) PackedRing.DESC_SIZE * pendingIndex[i] + PackedRing.DESC_FLAGS, pendingFlags[i]);
        }
        int added = pending;
        pending = 0;
        int flags = cpu.read16(deviceArea + PackedRing.EVENT_FLAGS) & 3;
        if (flags != PackedRing.EVENT_FLAGS_DESC || !eventIdx) {
            return flags != PackedRing.EVENT_FLAGS_DISABLE;
        }
        // As Linux's virtqueue_kick_prepare_packed: an event offset in the other lap is one ring earlier.
        int offWrap = cpu.read16(deviceArea + PackedRing.EVENT_OFF_WRAP);
        int event = offWrap & 0x7FFF;
        if (((offWrap >>> PackedRing.EVENT_WRAP_BIT) != 0) != wrap) {
            event -= size;
        }
        return dev.iovirt.virtio.queue.SplitRing.needEvent(event & 0xFFFF, nextAvail, (nextAvail - added) & 0xFFFF);
    }

    @Override
    public long takeUsed() {
        long d = ring + (long) PackedRing.DESC_SIZE * lastUsed;
        int flags = cpu.read16(d + PackedRing.DESC_FLAGS);
        boolean a = (flags & PackedRing.DESC_F_AVAIL) != 0;
        boolean u = (flags & PackedRing.DESC_F_USED) != 0;
        if (a != usedWrap || u != usedWrap) {
            return -1;
        }
        int id = cpu.read16(d + PackedRing.DESC_ID);
        int len = cpu.read32(d + PackedRing.DESC_LEN);
        outstanding--;
        if (++lastUsed == size) {
            lastUsed = 0;
            usedWrap = !usedWrap;
        }
        return (long) id << 32 | (len & 0xFFFF_FFFFL);
    }

    @Override
    public boolean enableInterrupts() {
        if (eventIdx) {
            cpu.write16(driverArea + PackedRing.EVENT_OFF_WRAP, lastUsed | (usedWrap ? 1 << PackedRing.EVENT_WRAP_BIT : 0));
            cpu.write16(driverArea + PackedRing.EVENT_FLAGS, PackedRing.EVENT_FLAGS_DESC);
        } else {
            cpu.write16(driverArea + PackedRing.EVENT_FLAGS, PackedRing.EVENT_FLAGS_ENABLE);
        }
        long d = ring + (long) PackedRing.DESC_SIZE * lastUsed;
        int flags = cpu.read16(d + PackedRing.DESC_FLAGS);
        return ((flags & PackedRing.DESC_F_AVAIL) != 0) == usedWrap && ((flags & PackedRing.DESC_F_USED) != 0) == usedWrap;
    }

    @Override
    public void disableInterrupts() {
        cpu.write16(driverArea + PackedRing.EVENT_FLAGS, PackedRing.EVENT_FLAGS_DISABLE);
    }
}
