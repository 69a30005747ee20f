package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One table feature property, {@code struct ofp_table_feature_prop_header} and its payload
 * (OF 1.3.5 §7.3.5.5.2). The payload is kept as bytes; the factories build the usual ones.
 *
 * @param type an {@code OFPTFPT_*} value
 * @param data the payload after the 4-byte property header, without padding
 */
public record TableFeatureProp(int type, byte[] data) {
    // OF 1.3.5 §7.3.5.5.2, enum ofp_table_feature_prop_type.
    public static final int INSTRUCTIONS = 0;
    public static final int INSTRUCTIONS_MISS = 1;
    public static final int NEXT_TABLES = 2;
    public static final int NEXT_TABLES_MISS = 3;
    public static final int WRITE_ACTIONS = 4;
    public static final int WRITE_ACTIONS_MISS = 5;
    public static final int APPLY_ACTIONS = 6;
    public static final int APPLY_ACTIONS_MISS = 7;
    public static final int MATCH = 8;
    public static final int WILDCARDS = 10;
    public static final int WRITE_SETFIELD = 12;
    public static final int WRITE_SETFIELD_MISS = 13;
    public static final int APPLY_SETFIELD = 14;
    public static final int APPLY_SETFIELD_MISS = 15;
    public static final int EXPERIMENTER = 0xFFFE;
    public static final int EXPERIMENTER_MISS = 0xFFFF;

    public TableFeatureProp {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The property's length on the wire, with its padding to 8 bytes. */
    public int paddedLength() {
        return (4 + data.length + 7) & ~7;
    }

    /** OFPTFPT_INSTRUCTIONS(_MISS): the instruction types supported, as 4-byte instruction ids. */
    public static TableFeatureProp instructions(int type, int... instructionTypes) {
        ByteBuf b = Unpooled.buffer();
        for (int t : instructionTypes) {
            b.writeShort(t);
            b.writeShort(4);
        }
        return new TableFeatureProp(type, ByteBufUtil.getBytes(b));
    }

    /** OFPTFPT_NEXT_TABLES(_MISS): the tables goto_table may name. */
    public static TableFeatureProp nextTables(int type, int... tables) {
        byte[] d = new byte[tables.length];
        for (int i = 0; i < tables.length; i++) {
            d[i] = (byte) tables[i];
        }
        return new TableFeatureProp(type, d);
    }

    /** OFPTFPT_WRITE/APPLY_ACTIONS(_MISS): the action types supported, as 4-byte action ids. */
    public static TableFeatureProp actions(int type, int... actionTypes) {
        return instructions(type, actionTypes);
    }

    /** OFPTFPT_MATCH, WILDCARDS and the SETFIELD ones: OXM headers of the fields. */
    public static TableFeatureProp oxms(int type, List<OxmField> fields, boolean masked) {
        ByteBuf b = Unpooled.buffer();
        for (OxmField f : fields) {
            b.writeInt(f.header(masked && f.isMaskable()));
        }
        return new TableFeatureProp(type, ByteBufUtil.getBytes(b));
    }

    void write(ByteBuf out) {
        out.writeShort(type);
        out.writeShort(4 + data.length);
        out.writeBytes(data);
        out.writeZero(paddedLength() - 4 - data.length);
    }

    /** Reads the properties filling exactly {@code length} bytes; problems are OFPET_TABLE_FEATURES_FAILED. */
    static List<TableFeatureProp> readAll(ByteBuf in, int length) throws OfpException {
        int end = in.readerIndex() + length;
        List<TableFeatureProp> list = new ArrayList<>();
        while (in.readerIndex() < end) {
            int available = end - in.readerIndex();
            if (available < 4) {
                throw new OfpException(ErrorCode.TABLE_FEATURES_FAILED_BAD_LEN, "property header truncated");
            }
            int type = in.readUnsignedShort();
            int len = in.readUnsignedShort();
            int padded = (len + 7) & ~7;
            if (len < 4 || padded > available) {
                throw new OfpException(ErrorCode.TABLE_FEATURES_FAILED_BAD_LEN, "property type " + type + " with length " + len);
            }
            byte[] d = new byte[len - 4];
            in.readBytes(d);
            in.skipBytes(padded - len);
            list.add(new TableFeatureProp(type, d));
        }
        return List.copyOf(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableFeatureProp p && p.type == type && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "prop" + type + ":" + Hex.of(data);
    }
}
