package dev.iovirt.openflow;

/**
 * OFPT_TABLE_MOD (OF 1.3.5 §7.3.3). In 1.3 the config bits are deprecated and carry nothing.
 *
 * @param xid the transaction id
 * @param tableId the table, or {@link TableId#ALL}
 * @param config OFPTC_* bits (OFPTC_DEPRECATED_MASK = 3)
 */
public record OfpTableMod(int xid, TableId tableId, int config) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.TABLE_MOD;
    }
}
