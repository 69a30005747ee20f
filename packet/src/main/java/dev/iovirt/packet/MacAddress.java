package dev.iovirt.packet;

import java.util.HexFormat;

/**
 * An IEEE 802 48-bit MAC address, held in the low 48 bits of a {@code long} in wire order
 * (the first octet on the wire is bits 47..40).
 *
 * @param bits the address; bits 63..48 are always zero
 */
public record MacAddress(long bits) implements Comparable<MacAddress> {
    private static final long MASK = 0xFFFF_FFFF_FFFFL;

    /** ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(MASK);
    /** 00:00:00:00:00:00. */
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: 0x" + Long.toHexString(bits));
        }
    }

    public static MacAddress of(long bits) {
        return new MacAddress(bits);
    }

    /** Parses "aa:bb:cc:dd:ee:ff" (colons or dashes). */
    public static MacAddress of(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address (want six octets, e.g. 02:00:00:00:00:01): '" + text + "'");
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a MAC address (bad octet '" + p + "'): '" + text + "'");
            }
            try {
                v = (v << 8) | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address (bad octet '" + p + "'): '" + text + "'");
            }
        }
        return new MacAddress(v);
    }

    /** Reads six octets at {@code off}. */
    public static MacAddress read(byte[] b, int off) {
        return new MacAddress(Bytes.getU48(b, off));
    }

    /** Writes the six octets at {@code off}. */
    public void write(byte[] b, int off) {
        Bytes.putU48(b, off, bits);
    }

    /** The I/G bit of the first octet (IEEE 802-2014 §8.2): set for group (multicast and broadcast) addresses. */
    public boolean isMulticast() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    public boolean isBroadcast() {
        return bits == MASK;
    }

    /** The U/L bit of the first octet: set for locally administered addresses. */
    public boolean isLocallyAdministered() {
        return (bits & 0x0200_0000_0000L) != 0;
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        write(b, 0);
        return b;
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(bits, o.bits);
    }

    /** Formats a 48-bit value as "aa:bb:cc:dd:ee:ff" without allocating a record. */
    public static String format(long bits) {
        StringBuilder sb = new StringBuilder(17);
        HexFormat hex = HexFormat.of();
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) {
                sb.append(':');
            }
            sb.append(hex.toHexDigits((byte) (bits >>> shift)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format(bits);
    }
}
