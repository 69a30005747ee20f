package dev.iovirt.openflow;

/**
 * OFPT_HELLO (OF 1.3.5 §7.5.1) with its optional version-bitmap element (OFPHET_VERSIONBITMAP). A
 * hello is the one message accepted whatever its header version, since version negotiation needs it.
 *
 * @param xid the transaction id
 * @param version the header's version field
 * @param versionBitmap bit {@code n} set means the sender supports wire version {@code n} (versions
 *     0..31); 0 when the hello carries no bitmap element
 */
public record OfpHello(int xid, int version, int versionBitmap) implements OfpMessage {
    /** OFPHET_VERSIONBITMAP (OF 1.3.5 §7.5.1). */
    public static final int ELEMENT_VERSIONBITMAP = 1;

    /** A hello for OpenFlow 1.3 only, as our switch and controller send it. */
    public static OfpHello of(int xid) {
        return new OfpHello(xid, VERSION, 1 << VERSION);
    }

    @Override
    public OfpType type() {
        return OfpType.HELLO;
    }

    /** The highest version both sides support (OF 1.3.5 §6.3.1), or -1 if none. */
    public int negotiate(int ourBitmap) {
        int common = versionBitmap != 0 ? versionBitmap & ourBitmap : ourBitmap & ((2 << version) - 1);
        return common == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(common);
    }
}
