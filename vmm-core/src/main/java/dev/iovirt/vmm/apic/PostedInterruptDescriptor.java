package dev.iovirt.vmm.apic;

import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;

/**
 * A posted-interrupt descriptor: 64 bytes of host memory, 64-byte aligned, whose address is VMCS field
 * 0x2016. SDM Vol. 3C §30.6 (2023 numbering), "Posted-Interrupt Processing", and
 * the same layout VT-d uses for posted interrupts (VT-d 3.4 §9.12):
 *
 * <ul>
 *   <li>bits 255:0 — PIR, one bit per vector requested;</li>
 *   <li>bit 256 — ON, outstanding notification;</li>
 *   <li>bit 257 — SN, suppress notification (VT-d);</li>
 *   <li>bits 279:272 — NV, notification vector (VT-d; the CPU takes it from the VMCS);</li>
 *   <li>bits 319:288 — NDST, notification destination APIC ID (VT-d).</li>
 * </ul>
 *
 * A poster (the IOMMU, or the VMM on another CPU) sets a PIR bit and then ON; if ON was clear, it sends
 * the notification vector to the destination CPU. The CPU (or the VMM, when the vCPU is not running)
 * clears ON and moves PIR into the virtual APIC's IRR.
 */
public final class PostedInterruptDescriptor {
    public static final int SIZE = 64;
    private static final int ON_BYTE = 32;
    private static final int NV_BYTE = 34;
    private static final int NDST_BYTE = 36;

    private final HostMemory memory;
    private final long base;

    public PostedInterruptDescriptor(HostMemory memory, Hpa base) {
        if ((base.value() & (SIZE - 1)) != 0) {
            throw new IllegalArgumentException("posted-interrupt descriptor at " + base + " is not 64-byte aligned");
        }
        this.memory = memory;
        this.base = base.value();
    }

    public Hpa address() {
        return new Hpa(base);
    }

    public synchronized void setNotification(int vector, int destinationApicId) {
        memory.write8(base + NV_BYTE, vector);
        memory.write32(base + NDST_BYTE, destinationApicId);
    }

    public int notificationVector() {
        return memory.read8(base + NV_BYTE);
    }

    public int notificationDestination() {
        return memory.read32(base + NDST_BYTE);
    }

    public boolean outstanding() {
        return (memory.read8(base + ON_BYTE) & 1) != 0;
    }

    public boolean suppressed() {
        return (memory.read8(base + ON_BYTE) & 2) != 0;
    }

    public synchronized void setSuppressNotification(boolean sn) {
        int b = memory.read8(base + ON_BYTE);
        memory.write8(base + ON_BYTE, sn ? b | 2 : b & ~2);
    }

    public boolean requested(int vector) {
        return (memory.read8(base + (vector >>> 3)) & (1 << (vector & 7))) != 0;
    }

    /**
     * Posts {@code vector}: sets its PIR bit, then ON.
     *
     * @return true if a notification must be sent (ON was clear and SN is clear)
     */
    public synchronized boolean post(int vector) {
        long word = base + ((vector >>> 6) << 3);
        memory.write64(word, memory.read64(word) | (1L << (vector & 63)));
        int b = memory.read8(base + ON_BYTE);
        if ((b & 1) != 0) {
            return false;
        }
        // SN set: ON stays clear and no notification goes out; the PIR bit waits for the next drain.
        if ((b & 2) != 0) {
            return false;
        }
        memory.write8(base + ON_BYTE, b | 1);
        return true;
    }

    /** Clears ON and moves every PIR bit into {@code lapic}'s IRR; returns how many vectors moved. */
    public synchronized int drainTo(Lapic lapic) {
        memory.write8(base + ON_BYTE, memory.read8(base + ON_BYTE) & ~1);
        int moved = 0;
        for (int w = 0; w < 4; w++) {
            long bits = memory.read64(base + w * 8L);
            if (bits == 0) {
                continue;
            }
            memory.write64(base + w * 8L, 0);
            while (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                lapic.acceptInterrupt(w * 64 + bit);
                moved++;
            }
        }
        return moved;
    }
}
