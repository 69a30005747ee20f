package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;

/**
 * One table in an OFPMP_TABLE reply, {@code struct ofp_table_stats} (OF 1.3.5 §7.3.5.4).
 *
 * @param tableId the table
 * @param activeCount active entries
 * @param lookupCount packets looked up in the table
 * @param matchedCount packets that hit an entry
 */
public record TableStats(TableId tableId, long activeCount, long lookupCount, long matchedCount) {
    public static final int LENGTH = 24;

    void write(ByteBuf out) {
        out.writeByte(tableId.value());
        out.writeZero(3);
        out.writeInt((int) activeCount);
        out.writeLong(lookupCount);
        out.writeLong(matchedCount);
    }

    static TableStats read(ByteBuf in) throws OfpException {
        MpRequest.need(in, LENGTH);
        TableId t = TableId.of(in.readUnsignedByte());
        in.skipBytes(3);
        return new TableStats(t, in.readUnsignedInt(), in.readLong(), in.readLong());
    }
}
