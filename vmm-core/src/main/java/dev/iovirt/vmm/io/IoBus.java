package dev.iovirt.vmm.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One VM's port-I/O space as the VMM's user-space part sees it: ranges of ports claimed by device
 * models. A port nobody claims reads as all ones and ignores writes, as on a PC.
 */
public final class IoBus {
    private record Range(int base, int length, PioDevice device) {
    }

    private volatile Range[] ranges = new Range[0];
    private final Map<PioDevice, AtomicLong> accesses = new ConcurrentHashMap<>();

    /** Accesses dispatched to {@code device} so far (each one an exit to the VMM's user space). */
    public long accesses(PioDevice device) {
        AtomicLong n = accesses.get(device);
        return n == null ? 0 : n.get();
    }

    private void count(PioDevice device) {
        accesses.computeIfAbsent(device, d -> new AtomicLong()).incrementAndGet();
    }

    public synchronized void register(int base, int length, PioDevice device) {
        List<Range> list = new ArrayList<>(List.of(ranges));
        list.removeIf(r -> r.device == device && r.base == base);
        for (Range r : list) {
            if (base < r.base + r.length && r.base < base + length) {
                throw new IllegalArgumentException("ports 0x" + Integer.toHexString(base) + "+" + length + " overlap a device");
            }
        }
        list.add(new Range(base, length, device));
        ranges = list.toArray(new Range[0]);
    }

    public synchronized void unregister(PioDevice device) {
        List<Range> list = new ArrayList<>(List.of(ranges));
        list.removeIf(r -> r.device == device);
        ranges = list.toArray(new Range[0]);
    }

    private Range find(int port) {
        for (Range r : ranges) {
            if (port >= r.base && port < r.base + r.length) {
                return r;
            }
        }
        return null;
    }

    /** True if a device claims {@code port}. */
    public boolean claimed(int port) {
        return find(port) != null;
    }

    public int read(int port, int size) {
        Range r = find(port);
        if (r == null) {
            return size == 4 ? -1 : (1 << (8 * size)) - 1;
        }
        count(r.device);
        return r.device.ioRead(port - r.base, size);
    }

    public void write(int port, int size, int value) {
        Range r = find(port);
        if (r != null) {
            count(r.device);
            r.device.ioWrite(port - r.base, size, value);
        }
    }
}
