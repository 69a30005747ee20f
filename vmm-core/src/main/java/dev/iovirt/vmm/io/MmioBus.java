package dev.iovirt.vmm.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** One VM's MMIO space: guest-physical ranges (never RAM) claimed by device models. */
public final class MmioBus {
    private record Range(long base, long length, MmioDevice device) {
    }

    private volatile Range[] ranges = new Range[0];
    private final Map<MmioDevice, AtomicLong> accesses = new ConcurrentHashMap<>();

    /** Accesses dispatched to {@code device} so far (each one an exit to the VMM's user space). */
    public long accesses(MmioDevice device) {
        AtomicLong n = accesses.get(device);
        return n == null ? 0 : n.get();
    }

    private void count(MmioDevice device) {
        accesses.computeIfAbsent(device, d -> new AtomicLong()).incrementAndGet();
    }

    public synchronized void register(long base, long length, MmioDevice device) {
        List<Range> list = new ArrayList<>(List.of(ranges));
        for (Range r : list) {
            if (base < r.base + r.length && r.base < base + length) {
                throw new IllegalArgumentException("MMIO 0x" + Long.toHexString(base) + "+0x" + Long.toHexString(length) + " overlaps a device");
            }
        }
        list.add(new Range(base, length, device));
        ranges = list.toArray(new Range[0]);
    }

    /** Removes the range of {@code device} that starts at {@code base}. */
    public synchronized void unregister(long base, MmioDevice device) {
        List<Range> list = new ArrayList<>(List.of(ranges));
        list.removeIf(r -> r.device == device && r.base == base);
        ranges = list.toArray(new Range[0]);
    }

    /** Whether a write to {@code gpa} is a doorbell the kernel completes (KVM ioeventfd). */
    public boolean isIoEventFd(long gpa) {
        Range r = find(gpa);
        return r != null && r.device.isIoEventFd(gpa - r.base);
    }

    public boolean claimed(long gpa) {
        return find(gpa) != null;
    }

    private Range find(long gpa) {
        for (Range r : ranges) {
            if (gpa >= r.base && gpa - r.base < r.length) {
                return r;
            }
        }
        return null;
    }

    /** Reads from the claiming device, or all ones if none. */
    public long read(long gpa, int size) {
        Range r = find(gpa);
        if (r == null) {
            return size == 8 ? -1L : (1L << (8 * size)) - 1;
        }
        count(r.device);
        return r.device.mmioRead(gpa - r.base, size);
    }

    public void write(long gpa, int size, long value) {
        Range r = find(gpa);
        if (r != null) {
            count(r.device);
            r.device.mmioWrite(gpa - r.base, size, value);
        }
    }
}
