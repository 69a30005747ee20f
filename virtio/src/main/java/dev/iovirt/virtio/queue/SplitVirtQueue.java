package dev.iovirt.virtio.queue;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;

/**
 * The device side of one split virtqueue (virtio 1.2 §2.7), as rust-vmm's virtio-queue shapes it:
 * {@link #pop()} takes the next available chain, {@link #addUsed} returns it, and
 * {@link #needsNotification()} says whether the driver asked for an interrupt now. This class owns
 * the device's indices ({@code next_avail}, {@code next_used}); nobody else writes them.
 *
 * <p>Everything is read and written through {@link DmaMemory}, in the rings' little-endian layout
 * ({@link SplitRing}). What a driver breaks — a loop, an index out of range, an avail index that
 * jumps, a buffer outside memory — is a {@link VirtQueueException}; the queue is then broken and
 * pops nothing more until reset, and the device sets DEVICE_NEEDS_RESET (§2.1.2).
 *
 * <p>Invariant: used by one thread at a time (the device's worker).
 */
public final class SplitVirtQueue implements VirtQueue {
    private final DmaMemory mem;
    /** The rings, read and written so that a DMA fault breaks the queue. */
    private final RingMemory rings;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private final boolean eventIdx;
    private final boolean indirect;
    private final DescriptorChain chain;
    private int nextAvail;
    private int nextUsed;
    /** {@code next_used} when the driver was last notified (for EVENT_IDX). */
    private int signalledUsed;
    private int inFlight;
    private boolean notificationsEnabled = true;
    private VirtQueueError broken;

    /**
     * @param eventIdx VIRTIO_F_EVENT_IDX was negotiated
     * @param indirect VIRTIO_F_INDIRECT_DESC was negotiated
     */
    public SplitVirtQueue(DmaMemory mem, int size, Gpa descTable, Gpa availRing, Gpa usedRing, boolean eventIdx, boolean indirect) {
        if (!SplitRing.isValidSize(size)) {
            throw new IllegalArgumentException("queue size must be a power of 2 up to 32768: " + size);
        }
        this.mem = mem;
        this.rings = new RingMemory(mem, this::fail);
        this.size = size;
        this.desc = descTable.value();
        this.avail = availRing.value();
        this.used = usedRing.value();
        this.eventIdx = eventIdx;
        this.indirect = indirect;
        // A chain has at most `size` direct descriptors; an indirect table may hold up to `size` more
        // in Linux's practice, bounded here by the queue size too (§2.7.5.3.1 leaves it to the device).
        this.chain = new DescriptorChain(size);
    }

    @Override
    public int size() {
        return size;
    }

    /** The index of the next available entry the device will take (last_avail_idx). */
    @Override
    public int nextAvail() {
        return nextAvail;
    }

    /** The used index the device will publish next. */
    @Override
    public int nextUsed() {
        return nextUsed;
    }

    /** Why the queue broke, or null. */
    @Override
    public VirtQueueError brokenBy() {
        return broken;
    }

    @Override
    public boolean isBroken() {
        return broken != null;
    }

    /** The driver's available index. */
    public int availIdx() throws VirtQueueException {
        return rings.read16(avail + SplitRing.AVAIL_IDX);
    }

    /** Whether the driver has made buffers available that the device has not taken. */
    @Override
    public boolean hasAvailable() throws VirtQueueException {
        if (broken != null) {
            return false;
        }
        int idx = availIdx();
        int pending = (idx - nextAvail) & 0xFFFF;
        if (pending > size) {
            fail(VirtQueueError.AVAIL_IDX_JUMP, "avail idx " + idx + ", next avail " + nextAvail + ", size " + size);
        }
        return pending != 0;
    }

    /**
     * Takes the next available chain, or returns null if there is none (or the queue is broken).
     * The returned chain is valid until the next call.
     */
    @Override
    public DescriptorChain pop() throws VirtQueueException {
        if (!hasAvailable()) {
            return null;
        }
        int slot = nextAvail & (size - 1);
        // §2.7.13: read avail->ring[] only after avail->idx (our accesses are ordered already).
        int head = rings.read16(avail + SplitRing.AVAIL_RING + 2L * slot);
        try {
            walk(head);
        } catch (VirtQueueException e) {
            broken = e.error(); // errors found while building the chain break the queue too
            throw e;
        }
        nextAvail = (nextAvail + 1) & 0xFFFF;
        inFlight++;
        if (eventIdx && notificationsEnabled) {
            // §2.7.10: ask to be kicked when the driver adds past the entry we just took.
            rings.write16(used + SplitRing.availEventOffset(size), nextAvail);
        }
        return chain;
    }

    private void walk(int head) throws VirtQueueException {
        if (head >= size) {
            fail(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE, "head " + head + " of " + size);
        }
        chain.reset(head);
        int index = head;
        int visited = 0;
        while (true) {
            long d = desc + (long) SplitRing.DESC_SIZE * index;
            long addr = rings.read64(d + SplitRing.DESC_ADDR);
            int len = rings.read32(d + SplitRing.DESC_LEN);
            int flags = rings.read16(d + SplitRing.DESC_FLAGS);
            int next = rings.read16(d + SplitRing.DESC_NEXT);
            if (++visited > size) {
                fail(VirtQueueError.DESCRIPTOR_LOOP, "head " + head);
            }
            if ((flags & SplitRing.DESC_F_INDIRECT) != 0) {
                // §2.7.5.3.1: needs the feature, excludes NEXT, and its table holds whole descriptors.
                if (!indirect || (flags & SplitRing.DESC_F_NEXT) != 0 || len == 0 || len % SplitRing.DESC_SIZE != 0) {
                    fail(VirtQueueError.BAD_INDIRECT, "head " + head + ", flags " + flags + ", len " + len);
                }
                walkIndirect(head, addr, Integer.toUnsignedLong(len) / SplitRing.DESC_SIZE);
                return;
            }
            if (!chain.add(addr, len, (flags & SplitRing.DESC_F_WRITE) != 0)) {
                fail(VirtQueueError.DESCRIPTOR_LOOP, "head " + head + " has more than " + size + " segments");
            }
            if ((flags & SplitRing.DESC_F_NEXT) == 0) {
                return;
            }
            if (next >= size) {
                fail(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE, "next " + next + " of " + size);
            }
            index = next;
        }
    }

    private void walkIndirect(int head, long table, long entries) throws VirtQueueException {
        if (entries > size) {
            fail(VirtQueueError.BAD_INDIRECT, "indirect table of " + entries + " descriptors for a queue of " + size);
        }
        int index = 0;
        int visited = 0;
        while (true) {
            long d = table + (long) SplitRing.DESC_SIZE * index;
            long addr;
            int len;
            int flags;
            int next;
            try {
                addr = mem.read64(Gpa.of(d + SplitRing.DESC_ADDR));
                len = mem.read32(Gpa.of(d + SplitRing.DESC_LEN));
                flags = mem.read16(Gpa.of(d + SplitRing.DESC_FLAGS));
                next = mem.read16(Gpa.of(d + SplitRing.DESC_NEXT));
            } catch (DmaFaultException e) {
                fail(VirtQueueError.BAD_INDIRECT, "indirect table of head " + head + " is outside guest memory");
                return;
            }
            if (++visited > entries) {
                fail(VirtQueueError.DESCRIPTOR_LOOP, "indirect chain of head " + head);
            }
            if ((flags & SplitRing.DESC_F_INDIRECT) != 0) {
                fail(VirtQueueError.BAD_INDIRECT, "an indirect table inside an indirect table, head " + head);
            }
            if (!chain.add(addr, len, (flags & SplitRing.DESC_F_WRITE) != 0)) {
                fail(VirtQueueError.DESCRIPTOR_LOOP, "head " + head + " has more than " + size + " segments");
            }
            if ((flags & SplitRing.DESC_F_NEXT) == 0) {
                return;
            }
            if (next >= entries) {
                fail(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE, "indirect next " + next + " of " + entries);
            }
            index = next;
        }
    }

    /**
     * Puts back the last {@code count} chains popped and not used, as QEMU's virtqueue_unpop: the
     * device looked at buffers it cannot use yet (too few for a frame) and leaves them available.
     */
    @Override
    public void undoPop(int count) {
        if (count < 0 || count > inFlight) {
            throw new IllegalArgumentException("cannot undo " + count + " pops with " + inFlight + " in flight");
        }
        nextAvail = (nextAvail - count) & 0xFFFF;
        inFlight -= count;
    }

    /**
     * Returns a chain to the driver: writes the used element and publishes the new used index.
     *
     * @param head the chain's head index, as {@link DescriptorChain#head()} gave it
     * @param len how many bytes the device wrote into the chain's writable buffers
     */
    @Override
    public void addUsed(int head, int len) throws VirtQueueException {
        if (broken != null) {
            return;
        }
        if (inFlight == 0 || head >= size) {
            fail(VirtQueueError.USED_WITHOUT_POP, "head " + head);
        }
        long elem = used + SplitRing.USED_RING + (long) SplitRing.USED_ELEM_SIZE * (nextUsed & (size - 1));
        rings.write32(elem, head);
        rings.write32(elem + 4, len);
        nextUsed = (nextUsed + 1) & 0xFFFF;
        inFlight--;
        // §2.7.13: the element is written before the index that publishes it.
        rings.write16(used + SplitRing.USED_IDX, nextUsed);
    }

    /**
     * Whether the driver wants an interrupt for the buffers used since the last notification:
     * with EVENT_IDX, whether {@code used_event} was passed (§2.7.10); otherwise, unless the driver
     * set VIRTQ_AVAIL_F_NO_INTERRUPT. Each call starts the next window.
     */
    @Override
    public boolean needsNotification() throws VirtQueueException {
        if (broken != null) {
            return false;
        }
        boolean need;
        if (eventIdx) {
            int usedEvent = rings.read16(avail + SplitRing.usedEventOffset(size));
            need = SplitRing.needEvent(usedEvent, nextUsed, signalledUsed);
        } else {
            need = nextUsed != signalledUsed
                    && (rings.read16(avail + SplitRing.AVAIL_FLAGS) & SplitRing.AVAIL_F_NO_INTERRUPT) == 0;
        }
        // As QEMU's virtio_split_should_notify: the window for the next check starts here.
        signalledUsed = nextUsed;
        return need;
    }

    /** Asks the driver to kick when it adds buffers (§2.7.10 with EVENT_IDX, else clears NO_NOTIFY). */
    @Override
    public void enableNotification() throws VirtQueueException {
        notificationsEnabled = true;
        if (eventIdx) {
            rings.write16(used + SplitRing.availEventOffset(size), nextAvail);
        } else {
            rings.write16(used + SplitRing.USED_FLAGS, 0);
        }
    }

    /** Tells the driver not to kick (the device is polling), as VIRTQ_USED_F_NO_NOTIFY. */
    @Override
    public void disableNotification() throws VirtQueueException {
        notificationsEnabled = false;
        if (!eventIdx) {
            rings.write16(used + SplitRing.USED_FLAGS, SplitRing.USED_F_NO_NOTIFY);
        }
    }

    /**
     * Pops, and if the queue is empty enables notifications and looks once more, so that a buffer
     * added between the empty check and the re-enable is not missed until the next kick.
     */
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
        return "VirtQueue[size " + size + ", next avail " + nextAvail + ", next used " + nextUsed
                + (broken != null ? ", broken: " + broken.message() : "") + "]";
    }
}
