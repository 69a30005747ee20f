package dev.iovirt.packet;

/**
 * An IPv4 address in network order in an {@code int} (the first octet is bits 31..24).
 *
 * @param bits the address
 */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {
    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

    public static Ipv4Address of(int bits) {
        return new Ipv4Address(bits);
    }

    public static Ipv4Address of(int a, int b, int c, int d) {
        return new Ipv4Address((a & 0xFF) << 24 | (b & 0xFF) << 16 | (c & 0xFF) << 8 | (d & 0xFF));
    }

    /** Parses dotted-quad notation. */
    public static Ipv4Address of(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address (want a.b.c.d): '" + text + "'");
        }
        int v = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = p.isEmpty() || p.length() > 3 ? -1 : Integer.parseInt(p);
            } catch (NumberFormatException e) {
                octet = -1;
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address (bad octet '" + p + "'): '" + text + "'");
            }
            v = v << 8 | octet;
        }
        return new Ipv4Address(v);
    }

    public static Ipv4Address read(byte[] b, int off) {
        return new Ipv4Address(Bytes.getI32(b, off));
    }

    public void write(byte[] b, int off) {
        Bytes.putI32(b, off, bits);
    }

    public boolean isMulticast() {
        return (bits & 0xF000_0000) == 0xE000_0000; // RFC 5771: 224.0.0.0/4
    }

    /** True if this address lies in {@code network/prefixLength}. */
    public boolean isIn(Ipv4Address network, int prefixLength) {
        int mask = prefixMask(prefixLength);
        return (bits & mask) == (network.bits & mask);
    }

    /** The netmask of a prefix length 0..32 as an int. */
    public static int prefixMask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32: " + prefixLength);
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    /** Formats an address held in an int without allocating a record. */
    public static String format(int bits) {
        return (bits >>> 24) + "." + (bits >>> 16 & 0xFF) + "." + (bits >>> 8 & 0xFF) + "." + (bits & 0xFF);
    }

    @Override
    public String toString() {
        return format(bits);
    }
}
