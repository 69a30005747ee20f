package dev.iovirt.virtio.queue;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;

/**
 * The device side of one packed virtqueue (virtio 1.2 §2.8). The device walks the descriptor ring
 * in order: a descriptor is available when its AVAIL bit equals the device's avail wrap counter and
 * its USED bit does not; a buffer is the run of descriptors linked by NEXT (or one INDIRECT
 * descriptor), and its ID is in the buffer's last descriptor. Returning a buffer writes one used
 * descriptor (ID, length, AVAIL = USED = the used wrap counter) at the next used position, which
 * then advances by the number of ring descriptors the buffer took.
 *
 * <p>Notifications (§2.8.10): the driver's event-suppression structure says when it wants
 * interrupts (always, never, or at a descriptor with EVENT_IDX); the device's says when it wants
 * kicks.
 *
 * <p>Invariant: used by one thread at a time; this class owns the wrap counters and positions.
 */
public final class PackedVirtQueue implements VirtQueue {
    /** Pops remembered for {@link #undoPop}. */
    private static final int UNDO_DEPTH = 64;

    private final DmaMemory mem;
    /** The rings, read and written so that a DMA fault breaks the queue. */
    private final RingMemory rings;
    private final int size;
    private final long ring;
    private final long driverArea;
    private final long deviceArea;
    private final boolean eventIdx;
    private final boolean indirect;
    private final DescriptorChain chain;
    /** Ring descriptors each in-flight buffer ID took (0: not in flight). */
    private final int[] inFlightLength;
    private final int[] undoIndex = new int[UNDO_DEPTH];
    private final boolean[] undoWrap = new boolean[UNDO_DEPTH];
    private final int[] undoId = new int[UNDO_DEPTH];
    private int undoCount;
    private int nextAvail;
    private boolean availWrap = true;
    private int nextUsed;
    private boolean usedWrap = true;
    private int signalledUsed;
    private boolean signalledWrap = true;
    private int inFlight;
    private VirtQueueError broken;

    public PackedVirtQueue(DmaMemory mem, int size, Gpa descRing, Gpa driverArea, Gpa deviceArea, boolean eventIdx, boolean indirect) {
        if (size <= 0 || size > PackedRing.MAX_SIZE) {
            throw new IllegalArgumentException("packed queue size must be 1..32768: " + size);
        }
        this.mem = mem;
        this.rings = new RingMemory(mem, this::fail);
        this.size = size;
        this.ring = descRing.value();
        this.driverArea = driverArea.value();
        this.deviceArea = deviceArea.value();
        this.eventIdx = eventIdx;
        this.indirect = indirect;
        this.chain = new DescriptorChain(size);
        this.inFlightLength = new int[size];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int nextAvail() {
        return nextAvail;
    }

    @Override
    public int nextUsed() {
        return nextUsed;
    }

    /** The device's avail wrap counter (starts at 1, flips each time nextAvail wraps). */
    public boolean availWrapCounter() {
        return availWrap;
    }

    @Override
    public VirtQueueError brokenBy() {
        return broken;
    }

    @Override
    public boolean isBroken() {
        return broken != null;
    }

    private boolean available(int flags, boolean wrap) {
        return ((flags & PackedRing.DESC_F_AVAIL) != 0) == wrap && ((flags & PackedRing.DESC_F_USED) != 0) != wrap;
    }

    @Override
    public boolean hasAvailable() throws VirtQueueException {
        if (broken != null) {
            return false;
        }
        return available(rings.read16(ring + (long) PackedRing.DESC_SIZE * nextAvail + PackedRing.DESC_FLAGS), availWrap);
    }

    @Override
    public DescriptorChain pop() throws VirtQueueException {
        if (!hasAvailable()) {
            return null;
        }
        int startIndex = nextAvail;
        boolean startWrap = availWrap;
        int index = nextAvail;
        boolean wrap = availWrap;
        int taken = 0;
        chain.reset(-1);
        int id;
        try {
            while (true) {
                long d = ring + (long) PackedRing.DESC_SIZE * index;
                int flags = rings.read16(d + PackedRing.DESC_FLAGS);
                if (!available(flags, wrap)) {
                    // §2.8.6: the driver makes a whole buffer available before its first descriptor.
                    fail(VirtQueueError.DESCRIPTOR_LOOP, "descriptor " + index + " in the middle of a buffer is not available");
                }
                long addr = rings.read64(d + PackedRing.DESC_ADDR);
                int len = rings.read32(d + PackedRing.DESC_LEN);
                id = rings.read16(d + PackedRing.DESC_ID);
                taken++;
                index++;
                if (index == size) {
                    index = 0;
                    wrap = !wrap;
                }
                if ((flags & PackedRing.DESC_F_INDIRECT) != 0) {
                    if (!indirect || (flags & PackedRing.DESC_F_NEXT) != 0 || len == 0 || len % PackedRing.DESC_SIZE != 0) {
                        fail(VirtQueueError.BAD_INDIRECT, "descriptor " + (index - 1) + ", flags " + flags + ", len " + len);
                    }
                    walkIndirect(addr, Integer.toUnsignedLong(len) / PackedRing.DESC_SIZE);
                    break;
                }
                if (!chain.add(addr, len, (flags & PackedRing.DESC_F_WRITE) != 0) || taken > size) {
                    fail(VirtQueueError.DESCRIPTOR_LOOP, "a buffer longer than the queue");
                }
                if ((flags & PackedRing.DESC_F_NEXT) == 0) {
                    break;
                }
                if (taken == size) {
                    fail(VirtQueueError.DESCRIPTOR_LOOP, "a buffer longer than the queue");
                }
            }
            if (id >= size) {
                fail(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE, "buffer id " + id + " of " + size);
            }
            if (inFlightLength[id] != 0) {
                fail(VirtQueueError.DESCRIPTOR_LOOP, "buffer id " + id + " is already in flight");
            }
        } catch (VirtQueueException e) {
            broken = e.error();
            throw e;
        }
        chain.setHead(id);
        inFlightLength[id] = taken;
        inFlight++;
        nextAvail = index;
        availWrap = wrap;
        int u = undoCount++ % UNDO_DEPTH;
        undoIndex[u] = startIndex;
        undoWrap[u] = startWrap;
        undoId[u] = id;
        return chain;
    }

    private void walkIndirect(long table, long entries) throws VirtQueueException {
        if (entries > size) {
            fail(VirtQueueError.BAD_INDIRECT, "an indirect table of " + entries + " descriptors for a queue of " + size);
        }
        for (int i = 0; i < entries; i++) {
            long d = table + (long) PackedRing.DESC_SIZE * i;
            int flags;
            long addr;
            int len;
            try {
                addr = mem.read64(Gpa.of(d + PackedRing.DESC_ADDR));
                len = mem.read32(Gpa.of(d + PackedRing.DESC_LEN));
                flags = mem.read16(Gpa.of(d + PackedRing.DESC_FLAGS));
            } catch (DmaFaultException e) {
                fail(VirtQueueError.BAD_INDIRECT, "an indirect table outside guest memory");
                return;
            }
            if ((flags & PackedRing.DESC_F_INDIRECT) != 0) {
                fail(VirtQueueError.BAD_INDIRECT, "an indirect table inside an indirect table");
            }
            // §2.8.8: in an indirect table every entry belongs to the buffer; NEXT is not used.
            chain.add(addr, len, (flags & PackedRing.DESC_F_WRITE) != 0);
        }
    }

    @Override
    public void undoPop(int count) {
        if (count < 0 || count > inFlight || count > Math.min(undoCount, UNDO_DEPTH)) {
            throw new IllegalArgumentException("cannot undo " + count + " pops");
        }
        for (int k = 0; k < count; k++) {
            int u = --undoCount % UNDO_DEPTH;
            nextAvail = undoIndex[u];
            availWrap = undoWrap[u];
            inFlightLength[undoId[u]] = 0;
            inFlight--;
        }
    }

    @Override
    public void addUsed(int id, int len) throws VirtQueueException {
        if (broken != null) {
            return;
        }
        if (id < 0 || id >= size || inFlightLength[id] == 0) {
            broken = VirtQueueError.USED_WITHOUT_POP;
            throw new VirtQueueException(VirtQueueError.USED_WITHOUT_POP, "buffer id " + id);
        }
        long d = ring + (long) PackedRing.DESC_SIZE * nextUsed;
        rings.write32(d + PackedRing.DESC_LEN, len);
        rings.write16(d + PackedRing.DESC_ID, id);
        int flags = usedWrap ? PackedRing.DESC_F_AVAIL | PackedRing.DESC_F_USED : 0;
        // §2.8.21: the flags are written last; they publish the used descriptor.
        rings.write16(d + PackedRing.DESC_FLAGS, flags);
        nextUsed += inFlightLength[id];
        if (nextUsed >= size) {
            nextUsed -= size;
            usedWrap = !usedWrap;
        }
        inFlightLength[id] = 0;
        inFlight--;
    }

    @Override
    public boolean needsNotification() throws VirtQueueException {
        if (broken != null) {
            return false;
        }
        int flags = rings.read16(driverArea + PackedRing.EVENT_FLAGS) & 3;
        boolean need;
        if (nextUsed == signalledUsed && usedWrap == signalledWrap) {
            need = false;
        } else if (flags == PackedRing.EVENT_FLAGS_DISABLE) {
            need = false;
        } else if (flags == PackedRing.EVENT_FLAGS_DESC && eventIdx) {
            int offWrap = rings.read16(driverArea + PackedRing.EVENT_OFF_WRAP);
            int off = offWrap & 0x7FFF;
            boolean wrap = (offWrap >>> PackedRing.EVENT_WRAP_BIT) != 0;
            // As QEMU's vring_packed_need_event: an event offset in the other lap is one ring earlier.
            if (wrap != usedWrap) {
                off -= size;
            }
            int oldIdx = signalledUsed - (signalledWrap == usedWrap ? 0 : size);
            need = SplitRing.needEvent(off & 0xFFFF, nextUsed & 0xFFFF, oldIdx & 0xFFFF);
        } else {
            need = true;
        }
        signalledUsed = nextUsed;
        signalledWrap = usedWrap;
        return need;
    }

    @Override
    public void enableNotification() throws VirtQueueException {
        if (eventIdx) {
            rings.write16(deviceArea + PackedRing.EVENT_OFF_WRAP, nextAvail | (availWrap ? 1 << PackedRing.EVENT_WRAP_BIT : 0));
            rings.write16(deviceArea + PackedRing.EVENT_FLAGS, PackedRing.EVENT_FLAGS_DESC);
        } else {
            rings.write16(deviceArea + PackedRing.EVENT_FLAGS, PackedRing.EVENT_FLAGS_ENABLE);
        }
    }

    @Override
    public void disableNotification() throws VirtQueueException {
        rings.write16(deviceArea + PackedRing.EVENT_FLAGS, PackedRing.EVENT_FLAGS_DISABLE);
    }

    @Override
    public DescriptorChain popOrEnableNotification() throws VirtQueueException {
        DescriptorChain c = pop();
        if (c != null || broken != null) {
            return c;
        }
        enableNotification();
        return pop();
    }

    private void fail(VirtQueueError error, String detail) throws VirtQueueException {
        broken = error;
        throw new VirtQueueException(error, detail);
    }

    @Override
    public String toString() {
        return "PackedVirtQueue[size " + size + ", next avail " + nextAvail + (availWrap ? "" : "'") + ", next used " + nextUsed
                + (usedWrap ? "" : "'") + (broken != null ? ", broken: " + broken.message() : "") + "]";
    }
}
