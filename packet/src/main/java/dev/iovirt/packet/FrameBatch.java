package dev.iovirt.packet;

/**
 * Up to {@link #MAX_BURST} frames that move through a datapath together, with their buffers
 * allocated once. A worker keeps one batch and refills it; nothing is allocated per packet.
 *
 * <p>Invariant: slots {@code [0, size)} hold the batch's frames; slots past {@code size} hold spare
 * frames whose contents mean nothing.
 */
public final class FrameBatch {
    /** Frames per batch, as Open vSwitch's {@code NETDEV_MAX_BURST}. */
    public static final int MAX_BURST = 32;

    private final Frame[] frames;
    private int size;

    public FrameBatch() {
        this(MAX_BURST, Frame.DEFAULT_HEADROOM, Frame.DEFAULT_MAX_FRAME);
    }

    public FrameBatch(int capacity, int headroom, int maxFrame) {
        if (capacity <= 0 || capacity > MAX_BURST) {
            throw new IllegalArgumentException("batch capacity must be 1.." + MAX_BURST + ": " + capacity);
        }
        frames = new Frame[capacity];
        for (int i = 0; i < capacity; i++) {
            frames[i] = new Frame(headroom, maxFrame);
        }
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return frames.length;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean isFull() {
        return size == frames.length;
    }

    /** How many more frames fit. */
    public int remaining() {
        return frames.length - size;
    }

    public Frame get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("frame " + index + " of a batch of " + size);
        }
        return frames[index];
    }

    /** Claims the next slot, reset and empty, or returns null if the batch is full. */
    public Frame add() {
        if (size == frames.length) {
            return null;
        }
        Frame f = frames[size++];
        f.reset();
        return f;
    }

    /** Appends a copy of {@code bytes}; false if the batch is full or the frame does not fit a buffer. */
    public boolean add(byte[] bytes, int off, int len) {
        if (size == frames.length || !frames[size].copyFrom(bytes, off, len)) {
            return false;
        }
        Frame f = frames[size++];
        f.setInPort(-1);
        f.setTunnelId(0);
        f.setTimestampNanos(0);
        return true;
    }

    /** Appends a copy of {@code frame} with its metadata; false if full or too large. */
    public boolean add(Frame frame) {
        if (size == frames.length || !frames[size].copyFrom(frame)) {
            return false;
        }
        size++;
        return true;
    }

    /** Gives back the last claimed slot (for a frame that turned out not to be wanted). */
    public void removeLast() {
        if (size > 0) {
            size--;
        }
    }

    /**
     * Removes the frame at {@code index} by swapping it with the last one: O(1), order not kept.
     * Buffers stay with the batch.
     */
    public void removeUnordered(int index) {
        get(index);
        int last = --size;
        if (index != last) {
            Frame t = frames[index];
            frames[index] = frames[last];
            frames[last] = t;
        }
    }

    public void clear() {
        size = 0;
    }
}
