package dev.iovirt.packet;

import java.util.Arrays;

/**
 * One Ethernet frame on the host side: a reusable byte buffer with headroom, the frame's bytes at
 * {@link #offset()} for {@link #length()} bytes, and the metadata a datapath carries beside it.
 *
 * <p>Frames are owned by whoever allocated them (a {@link FrameBatch}, a device's buffer pool) and
 * are refilled, never reallocated: handing a frame to another owner copies its bytes, as DMA does.
 * The headroom lets a tunnel port prepend its outer headers (RFC 7348: 50 bytes for VXLAN over IPv4)
 * or a VLAN push insert a tag without moving the payload.
 *
 * <p>Not thread-safe: a frame belongs to one thread at a time.
 */
public final class Frame {
    /** Room in front of the frame for encapsulation: VXLAN/IPv4 (50 bytes) plus two VLAN tags, rounded up. */
    public static final int DEFAULT_HEADROOM = 128;
    /** The largest frame a default buffer holds: 1518 bytes plus two 802.1Q tags, rounded up to 1920. */
    public static final int DEFAULT_MAX_FRAME = 1920;
    /** A 9000-byte MTU jumbo frame with Ethernet header, two tags and FCS room. */
    public static final int JUMBO_MAX_FRAME = 9216;

    private final byte[] buffer;
    private final int headroom;
    private int offset;
    private int length;
    /** The switch port the frame entered on, or -1 before it has entered a switch. */
    private int inPort = -1;
    /** Tunnel metadata (OpenFlow tunnel_id; a VXLAN port sets it to the VNI on receive), 0 when untunneled. */
    private long tunnelId;
    /** When the frame was received or created, in nanoseconds of the platform clock. */
    private long timestampNanos;

    public Frame() {
        this(DEFAULT_HEADROOM, DEFAULT_MAX_FRAME);
    }

    public Frame(int headroom, int maxFrame) {
        if (headroom < 0 || maxFrame <= 0) {
            throw new IllegalArgumentException("headroom and maxFrame must be positive");
        }
        this.buffer = new byte[headroom + maxFrame];
        this.headroom = headroom;
        this.offset = headroom;
    }

    /** Makes a frame holding a copy of {@code bytes}; for tests and tools. */
    public static Frame of(byte[] bytes) {
        Frame f = new Frame(DEFAULT_HEADROOM, Math.max(DEFAULT_MAX_FRAME, bytes.length));
        f.copyFrom(bytes, 0, bytes.length);
        return f;
    }

    /** The backing array; the frame's bytes are at {@link #offset()}. */
    public byte[] buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** How many bytes the frame may hold at most when it starts at the default headroom. */
    public int capacity() {
        return buffer.length - headroom;
    }

    public int inPort() {
        return inPort;
    }

    public void setInPort(int inPort) {
        this.inPort = inPort;
    }

    public long tunnelId() {
        return tunnelId;
    }

    public void setTunnelId(long tunnelId) {
        this.tunnelId = tunnelId;
    }

    public long timestampNanos() {
        return timestampNanos;
    }

    public void setTimestampNanos(long timestampNanos) {
        this.timestampNanos = timestampNanos;
    }

    /** Empties the frame and clears its metadata. */
    public void reset() {
        offset = headroom;
        length = 0;
        inPort = -1;
        tunnelId = 0;
        timestampNanos = 0;
    }

    /**
     * Replaces the frame's bytes with a copy of {@code src[off, off+len)}, at the default headroom.
     *
     * @return false, leaving the frame unchanged, if {@code len} exceeds {@link #capacity()}
     */
    public boolean copyFrom(byte[] src, int off, int len) {
        if (len < 0 || len > capacity()) {
            return false;
        }
        System.arraycopy(src, off, buffer, headroom, len);
        offset = headroom;
        length = len;
        return true;
    }

    /** Makes this frame a copy of {@code other}: bytes and metadata. False if it does not fit. */
    public boolean copyFrom(Frame other) {
        if (!copyFrom(other.buffer, other.offset, other.length)) {
            return false;
        }
        inPort = other.inPort;
        tunnelId = other.tunnelId;
        timestampNanos = other.timestampNanos;
        return true;
    }

    /** Copies the frame's bytes to {@code dst[off..]}; returns the length. */
    public int copyTo(byte[] dst, int off) {
        System.arraycopy(buffer, offset, dst, off, length);
        return length;
    }

    /** Sets the length, keeping the start; false if it would run past the buffer. */
    public boolean setLength(int newLength) {
        if (newLength < 0 || offset + newLength > buffer.length) {
            return false;
        }
        length = newLength;
        return true;
    }

    /**
     * Grows the frame by {@code n} bytes at its front (for an encapsulation header or a VLAN tag) and
     * returns the new offset; the new bytes are not cleared. If the headroom is used up the bytes are
     * moved back within the buffer. Returns -1, leaving the frame unchanged, if it would not fit.
     */
    public int push(int n) {
        if (n < 0 || length + n > buffer.length) {
            return -1;
        }
        if (offset < n) {
            // length + n <= buffer.length, so buffer.length - length >= n: the frame fits after the move.
            int newStart = Math.min(Math.max(headroom, n), buffer.length - length);
            System.arraycopy(buffer, offset, buffer, newStart, length);
            offset = newStart;
        }
        offset -= n;
        length += n;
        return offset;
    }

    /** Removes {@code n} bytes from the front (decapsulation); false if the frame is shorter. */
    public boolean pull(int n) {
        if (n < 0 || n > length) {
            return false;
        }
        offset += n;
        length -= n;
        return true;
    }

    /** A copy of the frame's bytes; allocates, so not for the datapath. */
    public byte[] toBytes() {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    @Override
    public String toString() {
        return "Frame[len=" + length + ", inPort=" + inPort + (tunnelId != 0 ? ", tunnelId=" + tunnelId : "") + "]";
    }
}
