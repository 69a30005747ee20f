package dev.iovirt.vmm.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Host physical memory: a flat host-physical address space of {@code capacity} bytes cut into 4 KiB
 * frames, and the frame pool that hands those frames out to VMs (guest RAM, EPT tables, VMCS regions,
 * bitmaps, posted-interrupt descriptors).
 *
 * <p>Two things keep a host with 1,024 VMs of 256 MiB each cheap when guests touch memory sparsely:
 * a VM's RAM is allocated from this pool only when the guest first touches a page (EPT violation on
 * RAM, see {@code dev.iovirt.vmm.hv}), and an allocated frame gets its 4 KiB {@code byte[]} only when
 * something first writes it (an untouched frame reads as zeros, as freshly zeroed memory does). So
 * reserving a 1 GiB page for an EPT large mapping costs a directory entry, not a gigabyte.
 *
 * <p>The storage is a two-level directory: {@code chunks[frame >>> 9][frame & 511]} holds one frame.
 * Multi-byte accesses are little-endian (x86) and must not cross a frame; the MMU splits accesses at
 * page boundaries before they arrive here. Methods taking a raw {@code long} host-physical address are
 * the hardware's hot path (MMU, EPT walker); everything else takes an {@link Hpa}.
 *
 * <p>Thread safety: allocation is synchronized; loads and stores are not (like real memory, concurrent
 * writers to the same bytes race and the last one wins).
 */
public final class HostMemory {
    /** log2 of the frame size. */
    public static final int FRAME_SHIFT = 12;
    /** The frame size in bytes. */
    public static final int FRAME_SIZE = 1 << FRAME_SHIFT;
    private static final int CHUNK_SHIFT = 9;
    private static final int CHUNK_FRAMES = 1 << CHUNK_SHIFT;
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long capacity;
    private final long totalFrames;
    private final byte[][][] chunks;
    /** Next never-allocated frame; frames below it were allocated at least once. */
    private long bump;
    /** Frames given back, reused first for single-frame allocations. */
    private long[] freeFrames = new long[64];
    private int freeCount;
    private long framesInUse;
    private long framesMaterialized;

    /**
     * @param capacityBytes the size of host physical memory, a multiple of 2 MiB; frame 0 is never handed
     *     out so that host-physical address 0 can mean "none"
     */
    public HostMemory(long capacityBytes) {
        if (capacityBytes <= 0 || (capacityBytes & (PageSize.SIZE_2M.bytes - 1)) != 0) {
            throw new IllegalArgumentException("host memory must be a positive multiple of 2 MiB: " + capacityBytes);
        }
        this.capacity = capacityBytes;
        this.totalFrames = capacityBytes >>> FRAME_SHIFT;
        long chunkCount = totalFrames >>> CHUNK_SHIFT;
        if (chunkCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("host memory too large: " + capacityBytes);
        }
        this.chunks = new byte[(int) chunkCount][][];
        // Invariant relied on by MemorySlot and the VMM: frame 0 is never allocated, so HPA 0 means "none".
        this.bump = 1;
    }

    /** The size of host physical memory in bytes. */
    public long capacity() {
        return capacity;
    }

    /** True if {@code hpa} names a byte of host physical memory. */
    public boolean contains(long hpa) {
        return hpa >= 0 && hpa < capacity;
    }

    /** Frames currently allocated to someone. */
    public synchronized long framesInUse() {
        return framesInUse;
    }

    /** Frames that have real storage behind them (written at least once). */
    public synchronized long framesMaterialized() {
        return framesMaterialized;
    }

    // ---------------------------------------------------------------- frame pool

    /**
     * Allocates one zeroed 4 KiB frame and charges it to {@code account}.
     *
     * @throws OutOfHostMemoryException if the pool is exhausted
     */
    public synchronized Hpa allocateFrame(MemoryAccount account) {
        long frame;
        if (freeCount > 0) {
            frame = freeFrames[--freeCount];
            zeroFrame(frame);
        } else {
            if (bump >= totalFrames) {
                throw new OutOfHostMemoryException("host memory exhausted: no free 4 KiB frame of " + totalFrames);
            }
            frame = bump++;
        }
        framesInUse++;
        account.charge(1);
        return new Hpa(frame << FRAME_SHIFT);
    }

    /**
     * Allocates {@code size.frames} contiguous zeroed frames aligned to the page size, for a 2 MiB or
     * 1 GiB mapping, and charges them to {@code account}.
     */
    public synchronized Hpa allocatePage(PageSize size, MemoryAccount account) {
        long alignFrames = size.frames;
        long start = (bump + alignFrames - 1) & -alignFrames;
        if (start + size.frames > totalFrames) {
            throw new OutOfHostMemoryException("host memory exhausted: no free aligned " + size + " page");
        }
        // The frames skipped for alignment go to the free list, not lost.
        for (long f = bump; f < start; f++) {
            pushFree(f);
        }
        bump = start + size.frames;
        framesInUse += size.frames;
        account.charge(size.frames);
        return new Hpa(start << FRAME_SHIFT);
    }

    /** Returns the frames of a page allocated by {@link #allocateFrame} or {@link #allocatePage}. */
    public synchronized void free(Hpa page, PageSize size, MemoryAccount account) {
        long first = page.value() >>> FRAME_SHIFT;
        for (long f = first; f < first + size.frames; f++) {
            byte[][] chunk = chunks[(int) (f >>> CHUNK_SHIFT)];
            if (chunk != null && chunk[(int) (f & (CHUNK_FRAMES - 1))] != null) {
                chunk[(int) (f & (CHUNK_FRAMES - 1))] = null;
                framesMaterialized--;
            }
            pushFree(f);
        }
        framesInUse -= size.frames;
        account.charge(-size.frames);
    }

    private void pushFree(long frame) {
        if (freeCount == freeFrames.length) {
            freeFrames = Arrays.copyOf(freeFrames, freeCount * 2);
        }
        freeFrames[freeCount++] = frame;
    }

    private void zeroFrame(long frame) {
        byte[] f = frameOrNull(frame);
        if (f != null) {
            Arrays.fill(f, (byte) 0);
        }
    }

    // ---------------------------------------------------------------- storage

    private byte[] frameOrNull(long frame) {
        byte[][] chunk = chunks[(int) (frame >>> CHUNK_SHIFT)];
        return chunk == null ? null : chunk[(int) (frame & (CHUNK_FRAMES - 1))];
    }

    private byte[] frameForWrite(long frame) {
        byte[][] chunk = chunks[(int) (frame >>> CHUNK_SHIFT)];
        if (chunk != null) {
            byte[] f = chunk[(int) (frame & (CHUNK_FRAMES - 1))];
            if (f != null) {
                return f;
            }
        }
        return materialize(frame);
    }

    private synchronized byte[] materialize(long frame) {
        int c = (int) (frame >>> CHUNK_SHIFT);
        byte[][] chunk = chunks[c];
        if (chunk == null) {
            chunk = new byte[CHUNK_FRAMES][];
            chunks[c] = chunk;
        }
        int i = (int) (frame & (CHUNK_FRAMES - 1));
        byte[] f = chunk[i];
        if (f == null) {
            f = new byte[FRAME_SIZE];
            chunk[i] = f;
            framesMaterialized++;
        }
        return f;
    }

    private void check(long hpa, int size) {
        if (hpa < 0 || hpa + size > capacity || ((hpa & (FRAME_SIZE - 1)) + size) > FRAME_SIZE) {
            throw new IllegalArgumentException("host-physical access of " + size + " bytes at 0x"
                    + Long.toHexString(hpa) + " is outside memory or crosses a frame");
        }
    }

    public int read8(long hpa) {
        check(hpa, 1);
        byte[] f = frameOrNull(hpa >>> FRAME_SHIFT);
        return f == null ? 0 : f[(int) (hpa & (FRAME_SIZE - 1))] & 0xFF;
    }

    public int read16(long hpa) {
        check(hpa, 2);
        byte[] f = frameOrNull(hpa >>> FRAME_SHIFT);
        return f == null ? 0 : (short) I16.get(f, (int) (hpa & (FRAME_SIZE - 1))) & 0xFFFF;
    }

    public int read32(long hpa) {
        check(hpa, 4);
        byte[] f = frameOrNull(hpa >>> FRAME_SHIFT);
        return f == null ? 0 : (int) I32.get(f, (int) (hpa & (FRAME_SIZE - 1)));
    }

    public long read64(long hpa) {
        check(hpa, 8);
        byte[] f = frameOrNull(hpa >>> FRAME_SHIFT);
        return f == null ? 0 : (long) I64.get(f, (int) (hpa & (FRAME_SIZE - 1)));
    }

    public void write8(long hpa, int value) {
        check(hpa, 1);
        frameForWrite(hpa >>> FRAME_SHIFT)[(int) (hpa & (FRAME_SIZE - 1))] = (byte) value;
    }

    public void write16(long hpa, int value) {
        check(hpa, 2);
        I16.set(frameForWrite(hpa >>> FRAME_SHIFT), (int) (hpa & (FRAME_SIZE - 1)), (short) value);
    }

    public void write32(long hpa, int value) {
        check(hpa, 4);
        I32.set(frameForWrite(hpa >>> FRAME_SHIFT), (int) (hpa & (FRAME_SIZE - 1)), value);
    }

    public void write64(long hpa, long value) {
        check(hpa, 8);
        I64.set(frameForWrite(hpa >>> FRAME_SHIFT), (int) (hpa & (FRAME_SIZE - 1)), value);
    }

    /** A little-endian value of {@code size} bytes (1, 2, 4 or 8) at {@code hpa}, zero-extended. */
    public long readSized(long hpa, int size) {
        return switch (size) {
            case 1 -> read8(hpa);
            case 2 -> read16(hpa);
            case 4 -> read32(hpa) & 0xFFFF_FFFFL;
            case 8 -> read64(hpa);
            default -> throw new IllegalArgumentException("an access is 1, 2, 4 or 8 bytes, not " + size);
        };
    }

    /** Writes the low {@code size} bytes (1, 2, 4 or 8) of {@code value} at {@code hpa}, little-endian. */
    public void writeSized(long hpa, int size, long value) {
        switch (size) {
            case 1 -> write8(hpa, (int) value);
            case 2 -> write16(hpa, (int) value);
            case 4 -> write32(hpa, (int) value);
            case 8 -> write64(hpa, value);
            default -> throw new IllegalArgumentException("an access is 1, 2, 4 or 8 bytes, not " + size);
        }
    }

    /** Copies {@code len} bytes starting at {@code hpa} (within one frame) into {@code dst}. */
    public void read(long hpa, byte[] dst, int off, int len) {
        check(hpa, len);
        byte[] f = frameOrNull(hpa >>> FRAME_SHIFT);
        if (f == null) {
            Arrays.fill(dst, off, off + len, (byte) 0);
        } else {
            System.arraycopy(f, (int) (hpa & (FRAME_SIZE - 1)), dst, off, len);
        }
    }

    /** Copies {@code len} bytes from {@code src} to {@code hpa} (within one frame). */
    public void write(long hpa, byte[] src, int off, int len) {
        check(hpa, len);
        System.arraycopy(src, off, frameForWrite(hpa >>> FRAME_SHIFT), (int) (hpa & (FRAME_SIZE - 1)), len);
    }

    // Typed conveniences for the VMM's cold paths.

    public long read64(Hpa hpa) {
        return read64(hpa.value());
    }

    public void write64(Hpa hpa, long value) {
        write64(hpa.value(), value);
    }

    public int read32(Hpa hpa) {
        return read32(hpa.value());
    }

    public void write32(Hpa hpa, int value) {
        write32(hpa.value(), value);
    }
}
