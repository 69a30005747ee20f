package dev.iovirt.packet;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * <p>{@link #sum} accumulates the one's-complement sum of 16-bit big-endian words without folding,
 * so partial sums (a pseudo-header, then a payload) can be added; {@link #finish} folds and
 * complements. A checksum computed over data that includes a correct checksum field finishes to 0.
 */
public final class Checksums {
    private Checksums() {
    }

    /**
     * Adds {@code b[off, off+len)} as 16-bit big-endian words to {@code acc}; an odd final byte is
     * padded with zero (RFC 1071 §4.1). Chain calls only at even offsets into the summed data.
     */
    public static long sum(byte[] b, int off, int len, long acc) {
        int i = off;
        int end = off + len;
        // Eight bytes a step: 32-bit halves added into a 64-bit accumulator cannot overflow for any frame size.
        for (; end - i >= 8; i += 8) {
            long w = Bytes.getI64(b, i);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        for (; end - i >= 2; i += 2) {
            acc += Bytes.getU16(b, i);
        }
        if (i < end) {
            acc += (b[i] & 0xFF) << 8;
        }
        return acc;
    }

    /** Folds a sum to 16 bits with end-around carry (RFC 1071 §2(C)), without complementing. */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The checksum field value for an accumulated sum: the folded sum, complemented. */
    public static int finish(long acc) {
        return ~fold(acc) & 0xFFFF;
    }

    /** The Internet checksum of {@code b[off, off+len)}. */
    public static int internet(byte[] b, int off, int len) {
        return finish(sum(b, off, len, 0));
    }

    /** The IPv4 pseudo-header sum for TCP or UDP (RFC 768, RFC 9293 §3.1). */
    public static long pseudoHeaderIpv4(int src, int dst, int protocol, int l4Length) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + l4Length;
    }

    /** The IPv6 pseudo-header sum (RFC 8200 §8.1). */
    public static long pseudoHeaderIpv6(Ipv6Address src, Ipv6Address dst, int nextHeader, int l4Length) {
        return words(src.hi()) + words(src.lo()) + words(dst.hi()) + words(dst.lo())
                + (l4Length >>> 16) + (l4Length & 0xFFFF) + nextHeader;
    }

    private static long words(long v) {
        return (v >>> 48) + (v >>> 32 & 0xFFFF) + (v >>> 16 & 0xFFFF) + (v & 0xFFFF);
    }

    /**
     * Updates a checksum field for one 16-bit word of the covered data changing from {@code oldWord}
     * to {@code newWord}: RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), which unlike eqn. 2 never yields
     * 0xFFFF... for a non-zero result where a full recomputation would give 0x0000.
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long acc = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** Updates a checksum for a 32-bit field (an IPv4 address) changing from {@code oldValue} to {@code newValue}. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }
}
