package dev.iovirt.vmm.pci;

import dev.iovirt.vmm.io.MmioDevice;

/**
 * The MSI-X capability of a function and its table and pending-bit array, which live in one of the
 * function's memory BARs in their real layout. PCI Local Bus Spec 3.0 §6.8.2; PCIe Base Spec 6.0 §7.7.2.
 *
 * <p>How a device interrupt flows: the device model calls {@link #notify(int)} → if MSI-X is enabled
 * and neither the function nor the entry is masked, the entry's address and data (written by the guest
 * driver through MMIO) go to the {@link MsiSink}; otherwise the entry's pending bit is set and the
 * message is sent when the guest unmasks it.
 */
public final class MsixCapability {
    private final int capOffset;
    private final int tableSize;
    private final byte[] table;
    private final long[] pending;
    private final PciFunctionAccess function;
    private volatile MsiSink sink = (a, d) -> { };
    private long sent;

    /** What the capability needs from its function: its config bytes. */
    interface PciFunctionAccess {
        int read(int offset, int size);
    }

    MsixCapability(int capOffset, int tableSize, PciFunctionAccess function) {
        this.capOffset = capOffset;
        this.tableSize = tableSize;
        this.table = new byte[tableSize * PciConfig.MSIX_ENTRY_SIZE];
        this.pending = new long[(tableSize + 63) / 64];
        this.function = function;
        for (int i = 0; i < tableSize; i++) {
            table[i * PciConfig.MSIX_ENTRY_SIZE + 12] = PciConfig.MSIX_ENTRY_VECTOR_CONTROL_MASKED; // masked at reset
        }
    }

    /**
     * Adds an MSI-X capability to {@code f} with {@code tableSize} entries, its table at {@code tableOffset}
     * and PBA at {@code pbaOffset} of BAR {@code bir}. The caller maps {@link #tableRegion()} in that BAR.
     */
    public static MsixCapability install(PciFunctionBuilder f, int tableSize, int bir, int tableOffset, int pbaOffset) {
        int off = f.capability(PciConfig.CAP_ID_MSIX, 12);
        f.config16(off + PciConfig.MSIX_MESSAGE_CONTROL, tableSize - 1);
        f.writable(off + PciConfig.MSIX_MESSAGE_CONTROL + 1, 1, 0xC0);
        f.config32(off + PciConfig.MSIX_TABLE_OFFSET_BIR, tableOffset | bir);
        f.config32(off + PciConfig.MSIX_PBA_OFFSET_BIR, pbaOffset | bir);
        return new MsixCapability(off, tableSize, f::read);
    }

    /** The hooks a function gives {@link #install}. */
    public interface PciFunctionBuilder {
        int capability(int id, int length);

        void config16(int offset, int value);

        void config32(int offset, int value);

        void writable(int offset, int length, int mask);

        int read(int offset, int size);
    }

    public void setSink(MsiSink sink) {
        this.sink = sink;
    }

    public int tableSize() {
        return tableSize;
    }

    public int capabilityOffset() {
        return capOffset;
    }

    private int control() {
        return function.read(capOffset + PciConfig.MSIX_MESSAGE_CONTROL, 2);
    }

    public boolean enabled() {
        return (control() & PciConfig.MSIX_CONTROL_ENABLE) != 0;
    }

    private boolean masked(int entry) {
        return (control() & PciConfig.MSIX_CONTROL_FUNCTION_MASK) != 0
                || (table[entry * PciConfig.MSIX_ENTRY_SIZE + 12] & PciConfig.MSIX_ENTRY_VECTOR_CONTROL_MASKED) != 0;
    }

    private long entryAddress(int entry) {
        int o = entry * PciConfig.MSIX_ENTRY_SIZE;
        return readLe(o, 4) | readLe(o + 4, 4) << 32;
    }

    private int entryData(int entry) {
        return (int) readLe(entry * PciConfig.MSIX_ENTRY_SIZE + 8, 4);
    }

    private long readLe(int o, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (table[o + i] & 0xFF);
        }
        return v;
    }

    /** The device signals vector {@code entry}. */
    public synchronized void notify(int entry) {
        if (entry < 0 || entry >= tableSize || !enabled()) {
            return;
        }
        if (masked(entry)) {
            pending[entry >>> 6] |= 1L << (entry & 63);
            return;
        }
        sent++;
        sink.signal(entryAddress(entry), entryData(entry));
    }

    public synchronized boolean pending(int entry) {
        return (pending[entry >>> 6] & (1L << (entry & 63))) != 0;
    }

    /** Messages sent so far. */
    public synchronized long sent() {
        return sent;
    }

    /** Delivers pending messages whose masks the guest has cleared (called after table or control writes). */
    public synchronized void deliverUnmasked() {
        for (int e = 0; e < tableSize; e++) {
            if (pending(e) && enabled() && !masked(e)) {
                pending[e >>> 6] &= ~(1L << (e & 63));
                sent++;
                sink.signal(entryAddress(e), entryData(e));
            }
        }
    }

    /** The table's MMIO handler (offsets relative to the table start). */
    public MmioDevice tableRegion() {
        return new MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                synchronized (MsixCapability.this) {
                    if (offset < 0 || offset + size > table.length) {
                        return 0;
                    }
                    return readLe((int) offset, size);
                }
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
                synchronized (MsixCapability.this) {
                    if (offset < 0 || offset + size > table.length) {
                        return;
                    }
                    for (int i = 0; i < size; i++) {
                        table[(int) offset + i] = (byte) (value >>> (8 * i));
                    }
                }
                deliverUnmasked();
            }
        };
    }

    /** The pending-bit array's MMIO handler (read-only). */
    public MmioDevice pbaRegion() {
        return new MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                synchronized (MsixCapability.this) {
                    int word = (int) (offset >>> 3);
                    if (word >= pending.length) {
                        return 0;
                    }
                    long v = pending[word] >>> (8 * (offset & 7));
                    return size == 8 ? v : v & ((1L << (8 * size)) - 1);
                }
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
            }
        };
    }
}
