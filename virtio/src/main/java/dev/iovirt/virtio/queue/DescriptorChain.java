package dev.iovirt.virtio.queue;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;

/**
 * One buffer the driver made available: the head descriptor's index and the chain's segments
 * (guest-physical address, length, device-readable or -writable), readable ones first. The device
 * copies out of the readable segments and into the writable ones, by DMA only.
 *
 * <p>A queue reuses one chain object: a chain is valid until the next {@link VirtQueue#pop()}.
 * Nothing here allocates.
 */
public final class DescriptorChain {
    private final long[] addrs;
    private final int[] lens;
    private int count;
    private int readable;
    private int head;
    private long readableBytes;
    private long writableBytes;

    DescriptorChain(int capacity) {
        addrs = new long[capacity];
        lens = new int[capacity];
    }

    void reset(int head) {
        this.head = head;
        count = 0;
        readable = 0;
        readableBytes = 0;
        writableBytes = 0;
    }

    /** Sets the buffer's identity once it is known (the packed ring reads it from the last descriptor). */
    void setHead(int head) {
        this.head = head;
    }

    /** Adds a segment; returns false if the chain is already as long as it may be. */
    boolean add(long addr, int len, boolean writable) throws VirtQueueException {
        if (count == addrs.length) {
            return false;
        }
        if (!writable && readable != count) {
            throw new VirtQueueException(VirtQueueError.READABLE_AFTER_WRITABLE, "at segment " + count + " of head " + head);
        }
        long ulen = Integer.toUnsignedLong(len);
        if (writable) {
            writableBytes += ulen;
        } else {
            readableBytes += ulen;
            readable++;
        }
        if (readableBytes + writableBytes > 0xFFFF_FFFFL) {
            throw new VirtQueueException(VirtQueueError.LENGTH_OVERFLOW, "head " + head);
        }
        addrs[count] = addr;
        lens[count] = len;
        count++;
        return true;
    }

    /** The head descriptor's index: what the device returns in the used ring. */
    public int head() {
        return head;
    }

    public int segments() {
        return count;
    }

    public long readableBytes() {
        return readableBytes;
    }

    public long writableBytes() {
        return writableBytes;
    }

    /**
     * Copies up to {@code len} bytes from the start of the readable segments into {@code dst}, by DMA.
     *
     * @return the number of bytes copied
     * @throws VirtQueueException if a segment lies outside guest memory
     */
    public int readFrom(DmaMemory mem, long skip, byte[] dst, int off, int len) throws VirtQueueException {
        int copied = 0;
        long pos = 0;
        for (int i = 0; i < readable && copied < len; i++) {
            long segLen = Integer.toUnsignedLong(lens[i]);
            if (pos + segLen <= skip) {
                pos += segLen;
                continue;
            }
            long start = Math.max(0, skip - pos);
            int n = (int) Math.min(segLen - start, len - copied);
            try {
                mem.read(Gpa.of(addrs[i] + start), dst, off + copied, n);
            } catch (DmaFaultException e) {
                throw new VirtQueueException(VirtQueueError.BUFFER_OUT_OF_MEMORY, e.getMessage());
            }
            copied += n;
            pos += segLen;
        }
        return copied;
    }

    /**
     * Copies {@code len} bytes into the writable segments, starting {@code skip} bytes in, by DMA.
     *
     * @return the number of bytes written (less than {@code len} if the buffers are too small)
     * @throws VirtQueueException if a segment lies outside guest memory
     */
    public int writeTo(DmaMemory mem, long skip, byte[] src, int off, int len) throws VirtQueueException {
        int written = 0;
        long pos = 0;
        for (int i = readable; i < count && written < len; i++) {
            long segLen = Integer.toUnsignedLong(lens[i]);
            if (pos + segLen <= skip) {
                pos += segLen;
                continue;
            }
            long start = Math.max(0, skip - pos);
            int n = (int) Math.min(segLen - start, len - written);
            try {
                mem.write(Gpa.of(addrs[i] + start), src, off + written, n);
            } catch (DmaFaultException e) {
                throw new VirtQueueException(VirtQueueError.BUFFER_OUT_OF_MEMORY, e.getMessage());
            }
            written += n;
            pos += segLen;
        }
        return written;
    }

    /** The guest-physical address of byte {@code skip} of the writable area, or -1 if there is none. */
    public long writableAddress(long skip) {
        long pos = 0;
        for (int i = readable; i < count; i++) {
            long segLen = Integer.toUnsignedLong(lens[i]);
            if (skip < pos + segLen) {
                return addrs[i] + (skip - pos);
            }
            pos += segLen;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "chain[head=" + head + ", " + readable + " readable (" + readableBytes + " B), " + (count - readable)
                + " writable (" + writableBytes + " B)]";
    }
}
