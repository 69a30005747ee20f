package dev.iovirt.virtio.testing;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest memory for device tests: {@code size} bytes of RAM at guest-physical address 0,
 * little-endian like x86; any access outside it is a {@link DmaFaultException}, as DMA to a hole.
 */
public final class ArrayDmaMemory implements DmaMemory {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;

    public ArrayDmaMemory(int size) {
        ram = new byte[size];
    }

    public int size() {
        return ram.length;
    }

    private int at(Gpa a, int len) {
        long v = a.value();
        if (v < 0 || len < 0 || v + len > ram.length) {
            throw new DmaFaultException("DMA to " + a + " (+" + len + ") outside " + ram.length + " bytes of RAM");
        }
        return (int) v;
    }

    @Override
    public void read(Gpa address, byte[] dst, int off, int len) {
        System.arraycopy(ram, at(address, len), dst, off, len);
    }

    @Override
    public void write(Gpa address, byte[] src, int off, int len) {
        System.arraycopy(src, off, ram, at(address, len), len);
    }

    @Override
    public int read8(Gpa address) {
        return ram[at(address, 1)] & 0xFF;
    }

    @Override
    public int read16(Gpa address) {
        return (short) I16.get(ram, at(address, 2)) & 0xFFFF;
    }

    @Override
    public int read32(Gpa address) {
        return (int) I32.get(ram, at(address, 4));
    }

    @Override
    public long read64(Gpa address) {
        return (long) I64.get(ram, at(address, 8));
    }

    @Override
    public void write8(Gpa address, int value) {
        ram[at(address, 1)] = (byte) value;
    }

    @Override
    public void write16(Gpa address, int value) {
        I16.set(ram, at(address, 2), (short) value);
    }

    @Override
    public void write32(Gpa address, int value) {
        I32.set(ram, at(address, 4), value);
    }

    @Override
    public void write64(Gpa address, long value) {
        I64.set(ram, at(address, 8), value);
    }
}
