package dev.iovirt.openflow;

import java.util.HexFormat;

/**
 * A switch's datapath ID, {@code uint64_t datapath_id} (OF 1.3.5 §7.3.1): by convention the lower
 * 48 bits are a MAC address and the upper 16 bits are implementer-defined.
 *
 * @param value the 64-bit wire value
 */
public record DatapathId(long value) {
    public static DatapathId of(long value) {
        return new DatapathId(value);
    }

    /** Parses 16 hex digits, with or without colons between octets. */
    public static DatapathId parse(String text) {
        String hex = text.replace(":", "");
        if (hex.isEmpty() || hex.length() > 16) {
            throw new IllegalArgumentException("not a datapath ID (want up to 16 hex digits): '" + text + "'");
        }
        return new DatapathId(Long.parseUnsignedLong(hex, 16));
    }

    /** Sixteen lower-case hex digits, as ovs-ofctl prints it. */
    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(value);
    }
}
