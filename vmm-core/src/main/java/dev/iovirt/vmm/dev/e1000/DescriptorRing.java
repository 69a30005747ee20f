package dev.iovirt.vmm.dev.e1000;

import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.mem.Gpa;

/**
 * One descriptor ring's registers — base (BAL/BAH), length (LEN), head (H) and tail (T) — and the only
 * code that moves them (STYLE: one class owns a ring's indices). SDM §3.2.6 (receive) and §3.4
 * (transmit): descriptors from head up to, but not including, tail belong to the hardware; software
 * owns the rest and hands descriptors over by advancing the tail.
 *
 * <p>Every register value comes from the guest and may be anything: {@link #check} says whether the
 * ring may be used at all before a descriptor is touched.
 *
 * <p>The guest-physical addresses the device uses for each descriptor (its start, its write-back
 * half, its status byte) are made the first time the device uses that descriptor after the ring's base
 * or length changed, and the address of each descriptor's buffer is kept while the driver keeps
 * reposting the same buffer (as drivers do), so that the data path makes no address objects per
 * packet.
 */
final class DescriptorRing {
    private int baseLow;
    private int baseHigh;
    /** Ring length in bytes; bits 6:0 always read as zero. */
    private int lengthBytes;
    private int head;
    private int tail;

    // Address cache. A slot's entries are valid while slotGeneration[i] == generation; moving or
    // resizing the ring only bumps the generation (O(1)), and a slot's addresses are made when the
    // device first uses it. Arrays only grow, to at most the 64 Ki-descriptor maximum, so a guest that
    // keeps rewriting its ring registers cannot make the host do more than constant work per write.
    private long cachedBase = -1;
    private int cachedCount = -1;
    private long generation;
    private long[] slotGeneration = new long[0];
    private Gpa[] descriptor = new Gpa[0];
    private Gpa[] upperHalf = new Gpa[0];
    private Gpa[] statusByte = new Gpa[0];
    private long[] bufferAddress = new long[0];
    private Gpa[] buffer = new Gpa[0];

    void reset() {
        baseLow = 0;
        baseHigh = 0;
        lengthBytes = 0;
        head = 0;
        tail = 0;
    }

    int baseLow() {
        return baseLow;
    }

    int baseHigh() {
        return baseHigh;
    }

    int lengthBytes() {
        return lengthBytes;
    }

    int head() {
        return head;
    }

    int tail() {
        return tail;
    }

    /** BAL: bits 3:0 are ignored, descriptors are 16-byte aligned. SDM §13.4.25. */
    void writeBaseLow(int v) {
        baseLow = v & ~0xF;
    }

    void writeBaseHigh(int v) {
        baseHigh = v;
    }

    /**
     * LEN: bits 19:7 hold the length; bits 6:0 are ignored and read as 0 (SDM §13.4.27). Returns false
     * if the guest wrote a length that was not a multiple of 128, which the caller counts.
     */
    boolean writeLength(int v) {
        lengthBytes = v & 0x000F_FF80;
        return (v & 0x7F) == 0;
    }

    /** H: bits 15:0. A malicious guest may write anything; {@link #check} catches it before use. */
    void writeHead(int v) {
        head = v & 0xFFFF;
    }

    void writeTail(int v) {
        tail = v & 0xFFFF;
    }

    /** Descriptors in the ring. */
    int count() {
        return lengthBytes / E1000Registers.DESCRIPTOR_SIZE;
    }

    /** Null if the ring can be used, otherwise why not. A malicious guest causes any of these. */
    E1000Error check() {
        int n = count();
        if (n == 0) {
            return E1000Error.RING_LENGTH_ZERO;
        }
        if (head >= n) {
            return E1000Error.HEAD_BEYOND_RING;
        }
        if (tail >= n) {
            return E1000Error.TAIL_BEYOND_RING;
        }
        return null;
    }

    private long base() {
        return (long) baseHigh << 32 | (baseLow & 0xFFFF_FFFFL);
    }

    /** The head's cache slot, its addresses made if the ring moved since. Invariant: {@link #check} returned null. */
    private int headSlot() {
        long b = base();
        int n = count();
        if (b != cachedBase || n != cachedCount) {
            if (n > slotGeneration.length) {
                slotGeneration = java.util.Arrays.copyOf(slotGeneration, n);
                descriptor = java.util.Arrays.copyOf(descriptor, n);
                upperHalf = java.util.Arrays.copyOf(upperHalf, n);
                statusByte = java.util.Arrays.copyOf(statusByte, n);
                bufferAddress = java.util.Arrays.copyOf(bufferAddress, n);
                buffer = java.util.Arrays.copyOf(buffer, n);
            }
            generation++;
            cachedBase = b;
            cachedCount = n;
        }
        int i = head;
        if (slotGeneration[i] != generation) {
            long a = b + (long) i * E1000Registers.DESCRIPTOR_SIZE;
            descriptor[i] = Gpa.of(a);
            upperHalf[i] = Gpa.of(a + 8);
            statusByte[i] = Gpa.of(a + 12);
            buffer[i] = null;
            slotGeneration[i] = generation;
        }
        return i;
    }

    /** Where the head descriptor starts. Invariant: {@link #check} returned null. */
    Gpa headDescriptor() {
        int i = headSlot(); // first: it may replace the arrays
        return descriptor[i];
    }

    /** The head descriptor's bytes 8-15 (length, status, errors: what receive writes back). */
    Gpa headUpperHalf() {
        int i = headSlot(); // first: it may replace the arrays
        return upperHalf[i];
    }

    /** The head descriptor's byte 12 (the transmit status, where DD is written back). */
    Gpa headStatus() {
        int i = headSlot(); // first: it may replace the arrays
        return statusByte[i];
    }

    /** The buffer at {@code address} of the head descriptor, reusing the last one made for this slot. */
    Gpa headBuffer(long address) {
        int i = headSlot();
        if (buffer[i] == null || bufferAddress[i] != address) {
            bufferAddress[i] = address;
            buffer[i] = Gpa.of(address);
        }
        return buffer[i];
    }

    /** Descriptors the hardware owns (head up to tail). Invariant: {@link #check} returned null. */
    int hardwareOwned() {
        int n = count();
        return (tail - head + n) % n;
    }

    boolean empty() {
        return head == tail;
    }

    /** Hands the head descriptor back to software. Invariant: {@link #check} returned null. */
    void advanceHead() {
        head = head + 1 == count() ? 0 : head + 1;
    }
}
