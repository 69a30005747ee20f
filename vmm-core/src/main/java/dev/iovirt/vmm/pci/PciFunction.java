package dev.iovirt.vmm.pci;

import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.io.PioDevice;

/**
 * One PCI function's configuration space (4 KiB, PCIe) with a type-0 header, its BARs and capability
 * list. Subclasses (device models) declare identity, BARs and capabilities in their constructor and
 * supply the register handlers behind each BAR.
 *
 * <p><b>BAR sizing</b> (PCI Local Bus Spec 3.0 §6.2.5.1): the read-only low bits of a BAR are its type;
 * the address bits below the BAR's size are hard-wired to 0. Software writes all ones and reads back
 * the size mask. Here a BAR register write keeps only the writable bits, which is that rule.
 *
 * <p>Accesses come from the guest (config mechanism #1 or ECAM), so every write is masked: a malicious
 * guest can write anything; only bits the spec makes writable change.
 */
public abstract class PciFunction {
    private final byte[] config = new byte[4096];
    private final byte[] writable = new byte[4096];
    private final long[] barSize = new long[6];
    private final boolean[] barIo = new boolean[6];
    private final Object[] barHandler = new Object[6];
    private final boolean[] bar64 = new boolean[6];
    private int lastCapability;
    private Runnable onMappingChange = () -> { };

    protected PciFunction(int vendorId, int deviceId, int classCode, int revision) {
        put16(PciConfig.VENDOR_ID, vendorId);
        put16(PciConfig.DEVICE_ID, deviceId);
        config[PciConfig.REVISION_ID] = (byte) revision;
        config[PciConfig.CLASS_PROG_IF] = (byte) classCode;
        config[PciConfig.CLASS_PROG_IF + 1] = (byte) (classCode >>> 8);
        config[PciConfig.CLASS_PROG_IF + 2] = (byte) (classCode >>> 16);
        // Command: I/O, memory, bus master, INTx disable are writable. PCI 3.0 §6.2.2.
        int cmdMask = PciConfig.COMMAND_IO | PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER | PciConfig.COMMAND_INTX_DISABLE;
        writable[PciConfig.COMMAND] = (byte) cmdMask;
        writable[PciConfig.COMMAND + 1] = (byte) (cmdMask >>> 8);
        writable[PciConfig.INTERRUPT_LINE] = (byte) 0xFF;
    }

    final void setMappingListener(Runnable listener) {
        this.onMappingChange = listener;
    }

    protected final void put16(int offset, int value) {
        config[offset] = (byte) value;
        config[offset + 1] = (byte) (value >>> 8);
    }

    protected final void put32(int offset, int value) {
        put16(offset, value);
        put16(offset + 2, value >>> 16);
    }

    protected final int get16(int offset) {
        return (config[offset] & 0xFF) | (config[offset + 1] & 0xFF) << 8;
    }

    protected final int get32(int offset) {
        return get16(offset) | get16(offset + 2) << 16;
    }

    protected final void setWritable(int offset, int length) {
        for (int i = 0; i < length; i++) {
            writable[offset + i] = (byte) 0xFF;
        }
    }

    /** Declares an I/O BAR of {@code size} bytes (a power of two, at least 4). */
    protected final void ioBar(int index, int size, PioDevice handler) {
        declareBar(index, size, true, handler);
    }

    /** Declares a 32-bit memory BAR of {@code size} bytes (a power of two, at least 16; 4 KiB recommended). */
    protected final void memoryBar(int index, int size, MmioDevice handler) {
        declareBar(index, size, false, handler);
    }

    /**
     * Declares a 64-bit memory BAR of {@code size} bytes in registers {@code index} and {@code index + 1}
     * (PCI 3.0 §6.2.5.1: type bits 2:1 = 10b; the upper register holds address bits 63:32 and is fully
     * writable for sizes below 4 GiB), optionally prefetchable.
     */
    protected final void memoryBar64(int index, int size, boolean prefetchable, MmioDevice handler) {
        if (index > 4) {
            throw new IllegalArgumentException("a 64-bit BAR needs two registers: " + index);
        }
        declareBar(index, size, false, handler);
        bar64[index] = true;
        put32(PciConfig.BAR0 + 4 * index, PciConfig.BAR_MEM_64 | (prefetchable ? PciConfig.BAR_PREFETCHABLE : 0));
        setWritable(PciConfig.BAR0 + 4 * (index + 1), 4);
    }

    private void declareBar(int index, int size, boolean io, Object handler) {
        if (Integer.bitCount(size) != 1 || size < (io ? 4 : 16)) {
            throw new IllegalArgumentException("BAR size " + size + " is not a power of two");
        }
        barSize[index] = size;
        barIo[index] = io;
        barHandler[index] = handler;
        int offset = PciConfig.BAR0 + 4 * index;
        put32(offset, io ? PciConfig.BAR_IO : 0);
        int mask = ~(size - 1) & (io ? 0xFFFF_FFFC : 0xFFFF_FFF0);
        writable[offset] = (byte) mask;
        writable[offset + 1] = (byte) (mask >>> 8);
        writable[offset + 2] = (byte) (mask >>> 16);
        writable[offset + 3] = (byte) (mask >>> 24);
    }

    /**
     * Appends a capability of {@code length} bytes with {@code id} to the list; returns its offset.
     * PCI 3.0 §6.7: byte 0 ID, byte 1 next pointer; the list starts at 0x34.
     */
    protected final int addCapability(int id, int length) {
        int offset = lastCapability == 0 ? 0x40 : alignUp(lastCapability + capLength(lastCapability), 4);
        capLengths[offset] = length;
        config[offset] = (byte) id;
        config[offset + 1] = 0;
        if (lastCapability == 0) {
            config[PciConfig.CAPABILITIES_POINTER] = (byte) offset;
            put16(PciConfig.STATUS, get16(PciConfig.STATUS) | PciConfig.STATUS_CAPABILITIES_LIST);
        } else {
            config[lastCapability + 1] = (byte) offset;
        }
        lastCapability = offset;
        return offset;
    }

    private final int[] capLengths = new int[256];
    private int lastExtended;
    private int nextExtended = 0x100;

    /**
     * Appends a PCIe extended capability (config space 0x100-0xFFF, reachable only through ECAM) with
     * {@code id}, {@code version} and {@code length} bytes; returns its offset. PCIe Base Spec 6.0 §7.6.3:
     * header bits 15:0 ID, 19:16 version, 31:20 next offset (0 ends the list); the list starts at 0x100.
     */
    protected final int addExtendedCapability(int id, int version, int length) {
        int offset = nextExtended;
        if (offset + length > 4096) {
            throw new IllegalStateException("extended configuration space full");
        }
        put32(offset, (id & 0xFFFF) | (version & 0xF) << 16);
        if (lastExtended != 0) {
            put32(lastExtended, get32(lastExtended) | offset << 20);
        }
        lastExtended = offset;
        nextExtended = (offset + length + 3) & ~3;
        return offset;
    }

    private int capLength(int offset) {
        return capLengths[offset];
    }

    private static int alignUp(int v, int a) {
        return (v + a - 1) & -a;
    }

    public final int vendorId() {
        return get16(PciConfig.VENDOR_ID);
    }

    public final int deviceId() {
        return get16(PciConfig.DEVICE_ID);
    }

    public final int command() {
        return get16(PciConfig.COMMAND);
    }

    /** The address programmed in BAR {@code index} (0 if none). */
    public final long barAddress(int index) {
        int v = get32(PciConfig.BAR0 + 4 * index);
        long low = barIo[index] ? v & 0xFFFF_FFFCL : v & 0xFFFF_FFF0L;
        return bar64[index] ? low | (get32(PciConfig.BAR0 + 4 * (index + 1)) & 0xFFFF_FFFFL) << 32 : low;
    }

    /** True if BAR {@code index} is a 64-bit memory BAR (using {@code index + 1} for its upper half). */
    public final boolean barIs64(int index) {
        return bar64[index];
    }

    public final long barSize(int index) {
        return barSize[index];
    }

    public final boolean barIsIo(int index) {
        return barIo[index];
    }

    final Object barHandler(int index) {
        return barHandler[index];
    }

    /** A configuration read of 1, 2 or 4 bytes (aligned to its size). */
    public final int configRead(int offset, int size) {
        int v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (config[offset + i] & 0xFF);
        }
        return v;
    }

    /** A configuration write; only writable bits change. */
    public final void configWrite(int offset, int size, int value) {
        boolean mappingChanged = false;
        for (int i = 0; i < size; i++) {
            int o = offset + i;
            int b = (value >>> (8 * i)) & 0xFF;
            int m = writable[o] & 0xFF;
            int old = config[o] & 0xFF;
            int nv = (old & ~m) | (b & m);
            if (nv != old) {
                config[o] = (byte) nv;
                if (o < 0x28 && (o >= PciConfig.BAR0 || o == PciConfig.COMMAND || o == PciConfig.COMMAND + 1)) {
                    mappingChanged = true;
                }
            }
        }
        if (msix != null && offset + size > msix.capabilityOffset() && offset < msix.capabilityOffset() + 12) {
            msix.deliverUnmasked();
        }
        configWritten(offset, size, value);
        if (mappingChanged) {
            onMappingChange.run();
        }
    }

    private MsixCapability msix;

    /**
     * Adds an MSI-X capability with {@code tableSize} entries whose table and PBA sit at the given
     * offsets of memory BAR {@code bir}; the device model routes those offsets of the BAR to
     * {@link MsixCapability#tableRegion()} and {@link MsixCapability#pbaRegion()}.
     */
    protected final MsixCapability addMsix(int tableSize, int bir, int tableOffset, int pbaOffset) {
        msix = MsixCapability.install(new MsixCapability.PciFunctionBuilder() {
            @Override
            public int capability(int id, int length) {
                return addCapability(id, length);
            }

            @Override
            public void config16(int offset, int value) {
                put16(offset, value);
            }

            @Override
            public void config32(int offset, int value) {
                put32(offset, value);
            }

            @Override
            public void writable(int offset, int length, int mask) {
                for (int i = 0; i < length; i++) {
                    writable[offset + i] = (byte) mask;
                }
            }

            @Override
            public int read(int offset, int size) {
                return configRead(offset, size);
            }
        }, tableSize, bir, tableOffset, pbaOffset);
        return msix;
    }

    private MsiCapability msi;

    /** Adds an MSI capability (one message, 64-bit address) and returns it. PCI 3.0 §6.8.1. */
    protected final MsiCapability addMsi() {
        int off = addCapability(PciConfig.CAP_ID_MSI, MsiCapability.LENGTH);
        put16(off + MsiCapability.CONTROL, MsiCapability.CONTROL_64BIT);
        writable[off + MsiCapability.CONTROL] = (byte) (MsiCapability.CONTROL_ENABLE | 0x70);
        writable[off + MsiCapability.ADDRESS] = (byte) 0xFC;
        setWritable(off + MsiCapability.ADDRESS + 1, 3);
        setWritable(off + MsiCapability.UPPER_ADDRESS, 4);
        setWritable(off + MsiCapability.DATA, 2);
        msi = new MsiCapability(off, this::configRead);
        return msi;
    }

    /** The MSI capability, or {@code null}. */
    public final MsiCapability msi() {
        return msi;
    }

    /** The MSI-X capability, or {@code null}. */
    public final MsixCapability msix() {
        return msix;
    }

    /** Hook for device models reacting to writes (e.g. the MSI-X enable bit). */
    protected void configWritten(int offset, int size, int value) {
    }
}
