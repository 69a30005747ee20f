package dev.iovirt.vmm.pci;

import java.util.function.IntBinaryOperator;

/**
 * The MSI capability (ID 05h) of a function, 64-bit address capable, one message, no per-vector
 * masking. PCI Local Bus Spec 3.0 §6.8.1: +2 message control (bit 0 enable, 3:1 multiple message
 * capable (0: one), 6:4 multiple message enable, bit 7 64-bit capable), +4 message address (bits 1:0
 * reserved), +8 message upper address, +0xC message data. The guest programs it through configuration
 * space; the device model calls {@link #signal()}.
 */
public final class MsiCapability {
    public static final int LENGTH = 0x10;
    public static final int CONTROL = 2;
    public static final int ADDRESS = 4;
    public static final int UPPER_ADDRESS = 8;
    public static final int DATA = 0xC;
    public static final int CONTROL_ENABLE = 1;
    public static final int CONTROL_64BIT = 1 << 7;

    private final int offset;
    private final IntBinaryOperator config;
    private volatile MsiSink sink = (a, d) -> { };
    private long sent;

    /** {@code config} reads (offset, size) of the function's configuration space. */
    MsiCapability(int offset, IntBinaryOperator config) {
        this.offset = offset;
        this.config = config;
    }

    public int capabilityOffset() {
        return offset;
    }

    public void setSink(MsiSink sink) {
        this.sink = sink;
    }

    public boolean enabled() {
        return (config.applyAsInt(offset + CONTROL, 2) & CONTROL_ENABLE) != 0;
    }

    /** Sends the message if the guest enabled MSI; a disabled MSI sends nothing (INTx is not modeled). */
    public synchronized boolean signal() {
        if (!enabled()) {
            return false;
        }
        long address = (config.applyAsInt(offset + ADDRESS, 4) & 0xFFFF_FFFCL)
                | (config.applyAsInt(offset + UPPER_ADDRESS, 4) & 0xFFFF_FFFFL) << 32;
        int data = config.applyAsInt(offset + DATA, 2);
        sent++;
        sink.signal(address, data);
        return true;
    }

    public synchronized long sent() {
        return sent;
    }
}
