package dev.iovirt.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian (network order) loads and stores on byte arrays, and the few little-endian ones device
 * structures need. The callers check bounds; these only
 * assemble the bits, through {@link VarHandle}s so that the JIT emits one load and a byte swap.
 */
public final class Bytes {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I16_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    public static int getU8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static int getU16(byte[] b, int off) {
        return (short) I16.get(b, off) & 0xFFFF;
    }

    public static int getI32(byte[] b, int off) {
        return (int) I32.get(b, off);
    }

    public static long getU32(byte[] b, int off) {
        return getI32(b, off) & 0xFFFF_FFFFL;
    }

    public static long getI64(byte[] b, int off) {
        return (long) I64.get(b, off);
    }

    public static long getU48(byte[] b, int off) {
        return ((long) getU16(b, off) << 32) | getU32(b, off + 2);
    }

    public static void putU8(byte[] b, int off, int v) {
        b[off] = (byte) v;
    }

    public static void putU16(byte[] b, int off, int v) {
        I16.set(b, off, (short) v);
    }

    public static void putI32(byte[] b, int off, int v) {
        I32.set(b, off, v);
    }

    public static void putI64(byte[] b, int off, long v) {
        I64.set(b, off, v);
    }

    /** Little-endian 16 bits (virtio and other device structures are little-endian). */
    public static int getU16le(byte[] b, int off) {
        return (short) I16_LE.get(b, off) & 0xFFFF;
    }

    public static void putU16le(byte[] b, int off, int v) {
        I16_LE.set(b, off, (short) v);
    }

    public static int getI32le(byte[] b, int off) {
        return (int) I32_LE.get(b, off);
    }

    public static void putI32le(byte[] b, int off, int v) {
        I32_LE.set(b, off, v);
    }

    public static void putU48(byte[] b, int off, long v) {
        putU16(b, off, (int) (v >>> 32));
        putI32(b, off + 2, (int) v);
    }
}
