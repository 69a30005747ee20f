package dev.iovirt.vmm.dev.e1000;

import dev.iovirt.vmm.dev.e1000.api.E1000Registers;

/**
 * One descriptor ring's registers — base (BAL/BAH), length (LEN), head (H) and tail (T) — and the only
 * code that moves them (STYLE: one class owns a ring's indices). SDM §3.2.6 (receive) and §3.4
 * (transmit): descriptors from head up to, but not including, tail belong to the hardware; software
 * owns the rest and hands descriptors over by advancing the tail.
 *
 * <p>Every register value comes from the guest and may be anything: {@link #check} says whether the
 * ring may be used at all before a descriptor is touched.
 */
final class DescriptorRing {
    private int baseLow;
    private int baseHigh;
    /** Ring length in bytes; bits 6:0 always read as zero. */
    private int lengthBytes;
    private int head;
    private int tail;

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

    /** The guest-physical address of descriptor {@code index}. */
    long descriptorAddress(int index) {
        return ((long) baseHigh << 32 | (baseLow & 0xFFFF_FFFFL)) + (long) index * E1000Registers.DESCRIPTOR_SIZE;
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
