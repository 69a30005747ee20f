package dev.iovirt.vmm.cpu;

import dev.iovirt.vmm.vmx.VmcsField;

/**
 * One virtual-machine control structure: the data of a VMCS region. The region itself is a 4 KiB
 * frame of host memory whose first 32 bits hold the VMCS revision identifier (SDM Vol. 3C §25.2); the
 * rest of its format is implementation-specific (the SDM says so and forbids software from reading it),
 * so the processor model keeps the field values here, keyed by the region's host-physical address.
 *
 * <p>Launch state is "clear" after VMCLEAR and "launched" after a successful VMLAUNCH (SDM Vol. 3C §25.1).
 */
public final class Vmcs {
    private static final short[] SLOT = new short[0x7000];

    static {
        java.util.Arrays.fill(SLOT, (short) -1);
        short i = 0;
        for (int f : VmcsField.supportedEncodings()) {
            SLOT[f] = i++;
        }
    }

    /** The host-physical address of the VMCS region. */
    public final long region;
    private final long[] values = new long[VmcsField.supportedEncodings().length];
    private boolean launched;

    Vmcs(long region) {
        this.region = region;
        values[SLOT[VmcsField.VMCS_LINK_POINTER]] = -1L;
    }

    /** True if VMLAUNCH has succeeded since the last VMCLEAR. */
    public boolean launched() {
        return launched;
    }

    void setLaunched(boolean launched) {
        this.launched = launched;
    }

    void clear() {
        launched = false;
    }

    /** True if {@code encoding} names a field this model supports (including the high half of a 64-bit field). */
    static boolean supported(int encoding) {
        if (encoding < 0 || encoding >= SLOT.length) {
            return false;
        }
        if ((encoding & 1) != 0) {
            return ((encoding >>> 13) & 3) == 1 && SLOT[encoding & ~1] >= 0;
        }
        return SLOT[encoding] >= 0;
    }

    long read(int encoding) {
        if ((encoding & 1) != 0) {
            return values[SLOT[encoding & ~1]] >>> 32;
        }
        return values[SLOT[encoding]];
    }

    void write(int encoding, long value) {
        if ((encoding & 1) != 0) {
            int s = SLOT[encoding & ~1];
            values[s] = (values[s] & 0xFFFF_FFFFL) | (value << 32);
            return;
        }
        int width = VmcsField.widthBits(encoding);
        values[SLOT[encoding]] = width == 64 ? value : value & ((1L << width) - 1);
    }

    // Direct access for the processor model itself (no VMREAD/VMWRITE checks).
    long get(int encoding) {
        return values[SLOT[encoding]];
    }

    void set(int encoding, long value) {
        write(encoding, value);
    }
}
