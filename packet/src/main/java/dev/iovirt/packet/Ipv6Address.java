package dev.iovirt.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv6 address as two {@code long}s in network order.
 *
 * @param hi bits 127..64 (the first eight octets on the wire)
 * @param lo bits 63..0
 */
public record Ipv6Address(long hi, long lo) {
    public static final Ipv6Address ANY = new Ipv6Address(0, 0);

    public static Ipv6Address of(long hi, long lo) {
        return new Ipv6Address(hi, lo);
    }

    /** Parses any textual form RFC 4291 §2.2 allows (including "::" compression); never does a name lookup. */
    public static Ipv6Address of(String text) {
        if (text.indexOf(':') < 0 || !text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(text); // literal only: the pattern above excludes host names
            if (!(a instanceof Inet6Address)) {
                throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
            }
            byte[] b = a.getAddress();
            return new Ipv6Address(Bytes.getI64(b, 0), Bytes.getI64(b, 8));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
    }

    public static Ipv6Address read(byte[] b, int off) {
        return new Ipv6Address(Bytes.getI64(b, off), Bytes.getI64(b, off + 8));
    }

    public void write(byte[] b, int off) {
        Bytes.putI64(b, off, hi);
        Bytes.putI64(b, off + 8, lo);
    }

    public boolean isMulticast() {
        return (hi >>> 56) == 0xFF; // RFC 4291 §2.7: ff00::/8
    }

    /** Formats in the RFC 5952 canonical form (lower case, longest zero run compressed). */
    public static String format(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format(hi, lo);
    }
}
