package dev.iovirt.openflow;

/**
 * A flow table number, {@code uint8_t table_id} (OF 1.3.5 §7.3.3, {@code enum ofp_table}).
 *
 * @param value 0..255
 */
public record TableId(int value) {
    /** OFPTT_MAX: the last usable table number. */
    public static final TableId MAX = new TableId(0xFE);
    /** OFPTT_ALL: wildcard table used in table config, flow stats and flow deletes. */
    public static final TableId ALL = new TableId(0xFF);

    private static final TableId[] CACHE = new TableId[256];

    static {
        for (int i = 0; i < 256; i++) {
            CACHE[i] = new TableId(i);
        }
    }

    public TableId {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("table id must be 0..255: " + value);
        }
    }

    /** The table; never allocates. */
    public static TableId of(int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("table id must be 0..255: " + value);
        }
        return CACHE[value];
    }

    @Override
    public String toString() {
        return value == 0xFF ? "ALL" : Integer.toString(value);
    }
}
