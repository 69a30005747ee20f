package dev.iovirt.openflow;

/**
 * The id of a packet buffered in the switch, {@code uint32_t buffer_id} (OF 1.3.5 §7.3.4.1,
 * {@code OFP_NO_BUFFER}).
 *
 * @param value the unsigned 32-bit wire value
 */
public record BufferId(int value) {
    /** OFP_NO_BUFFER: the packet is not buffered; the message carries it whole. */
    public static final BufferId NO_BUFFER = new BufferId(0xFFFF_FFFF);

    public static BufferId of(int value) {
        return value == -1 ? NO_BUFFER : new BufferId(value);
    }

    public boolean isNone() {
        return value == -1;
    }

    @Override
    public String toString() {
        return value == -1 ? "none" : Integer.toUnsignedString(value);
    }
}
