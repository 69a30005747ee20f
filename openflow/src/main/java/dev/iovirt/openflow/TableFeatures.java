package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One table's features, {@code struct ofp_table_features} (OF 1.3.5 §7.3.5.5.1). ovs-ofctl asks
 * for these (OFPMP_TABLE_FEATURES) before it sends flow mods, and refuses a reply without the
 * eight required properties; {@link #of} builds a complete one.
 *
 * @param tableId the table
 * @param name the table's name (at most 31 bytes)
 * @param metadataMatch the metadata bits the table can match
 * @param metadataWrite the metadata bits the table can write
 * @param config OFPTC_* bits
 * @param maxEntries the most entries the table holds
 * @param properties the properties
 */
public record TableFeatures(TableId tableId, String name, long metadataMatch, long metadataWrite, int config,
                            long maxEntries, List<TableFeatureProp> properties) {
    /** OFP_MAX_TABLE_NAME_LEN (OF 1.3.5 §7.3.5.5.1). */
    public static final int MAX_NAME_LEN = 32;

    public TableFeatures {
        if (name.getBytes(StandardCharsets.ISO_8859_1).length >= MAX_NAME_LEN) {
            throw new IllegalArgumentException("table name longer than 31 bytes: '" + name + "'");
        }
        properties = List.copyOf(properties);
    }

    /**
     * The features of table {@code table} of a pipeline of {@code nTables} tables that supports
     * everything this codec carries: every instruction, every action, every OXM field (maskable
     * ones with masks), goto to every later table.
     */
    public static TableFeatures of(int table, int nTables, long maxEntries) {
        int[] instructions = {Instruction.GOTO_TABLE, Instruction.WRITE_METADATA, Instruction.WRITE_ACTIONS,
                Instruction.APPLY_ACTIONS, Instruction.CLEAR_ACTIONS, Instruction.METER};
        int[] actions = {Action.OUTPUT, Action.COPY_TTL_OUT, Action.COPY_TTL_IN, Action.SET_MPLS_TTL, Action.DEC_MPLS_TTL,
                Action.PUSH_VLAN, Action.POP_VLAN, Action.PUSH_MPLS, Action.POP_MPLS, Action.SET_QUEUE, Action.GROUP,
                Action.SET_NW_TTL, Action.DEC_NW_TTL, Action.SET_FIELD, Action.PUSH_PBB, Action.POP_PBB};
        int[] next = new int[Math.max(0, nTables - table - 1)];
        for (int i = 0; i < next.length; i++) {
            next[i] = table + 1 + i;
        }
        if (table == nTables - 1) {
            instructions = Arrays.stream(instructions).filter(i -> i != Instruction.GOTO_TABLE).toArray();
        }
        List<OxmField> fields = Arrays.asList(OxmField.values());
        List<OxmField> settable = fields.stream().filter(f -> f != OxmField.IN_PORT && f != OxmField.IN_PHY_PORT && f != OxmField.METADATA).toList();
        List<TableFeatureProp> props = new ArrayList<>();
        props.add(TableFeatureProp.instructions(TableFeatureProp.INSTRUCTIONS, instructions));
        props.add(TableFeatureProp.nextTables(TableFeatureProp.NEXT_TABLES, next));
        props.add(TableFeatureProp.actions(TableFeatureProp.WRITE_ACTIONS, actions));
        props.add(TableFeatureProp.actions(TableFeatureProp.APPLY_ACTIONS, actions));
        props.add(TableFeatureProp.oxms(TableFeatureProp.MATCH, fields, true));
        props.add(TableFeatureProp.oxms(TableFeatureProp.WILDCARDS, fields, false));
        props.add(TableFeatureProp.oxms(TableFeatureProp.WRITE_SETFIELD, settable, false));
        props.add(TableFeatureProp.oxms(TableFeatureProp.APPLY_SETFIELD, settable, false));
        return new TableFeatures(TableId.of(table), "table" + table, -1L, -1L, 0, maxEntries, props);
    }

    public int length() {
        int n = 64;
        for (TableFeatureProp p : properties) {
            n += p.paddedLength();
        }
        return n;
    }

    void write(ByteBuf out) {
        out.writeShort(length());
        out.writeByte(tableId.value());
        out.writeZero(5);
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(n);
        out.writeZero(MAX_NAME_LEN - n.length);
        out.writeLong(metadataMatch);
        out.writeLong(metadataWrite);
        out.writeInt(config);
        out.writeInt((int) maxEntries);
        properties.forEach(p -> p.write(out));
    }

    static TableFeatures read(ByteBuf in) throws OfpException {
        if (in.readableBytes() < 64) {
            throw new OfpException(ErrorCode.TABLE_FEATURES_FAILED_BAD_LEN, "table features truncated (" + in.readableBytes() + " bytes)");
        }
        int len = in.readUnsignedShort();
        if (len < 64 || len > in.readableBytes() + 2) {
            throw new OfpException(ErrorCode.TABLE_FEATURES_FAILED_BAD_LEN, "table features length " + len);
        }
        TableId t = TableId.of(in.readUnsignedByte());
        in.skipBytes(5);
        byte[] nb = new byte[MAX_NAME_LEN];
        in.readBytes(nb);
        int nl = 0;
        while (nl < MAX_NAME_LEN - 1 && nb[nl] != 0) {
            nl++;
        }
        long match = in.readLong();
        long write = in.readLong();
        int config = in.readInt();
        long max = in.readUnsignedInt();
        return new TableFeatures(t, new String(nb, 0, nl, StandardCharsets.ISO_8859_1), match, write, config, max,
                TableFeatureProp.readAll(in, len - 64));
    }
}
