package dev.iovirt.guest.drivers.virtio;

import dev.iovirt.vmm.arch.GuestCpu;

/** A driver's queues laid out in guest memory, split or packed, one {@link #RING_AREA} each from a base. */
public final class VirtioRings {
    /** Guest memory reserved for one queue's rings (enough for 256 entries of either layout). */
    public static final long RING_AREA = 16 * 1024;

    private final DriverRing[] rings = new DriverRing[2];
    private final long[][] areas = new long[2][3];

    public VirtioRings(GuestCpu cpu, long base, int size, boolean packed, boolean eventIdx) {
        for (int q = 0; q < 2; q++) {
            long at = base + q * RING_AREA;
            if (packed) {
                PackedDriverRing r = new PackedDriverRing(cpu, at, size, eventIdx);
                rings[q] = r;
                areas[q] = new long[] {r.descArea(), r.driverEventArea(), r.deviceEventArea()};
            } else {
                SplitDriverRing r = new SplitDriverRing(cpu, at, size, eventIdx);
                rings[q] = r;
                areas[q] = new long[] {r.descArea(), r.driverArea(), r.deviceArea()};
            }
        }
    }

    public DriverRing ring(int queue) {
        return rings[queue];
    }

    public long descArea(int queue) {
        return areas[queue][0];
    }

    public long driverArea(int queue) {
        return areas[queue][1];
    }

    public long deviceArea(int queue) {
        return areas[queue][2];
    }
}
