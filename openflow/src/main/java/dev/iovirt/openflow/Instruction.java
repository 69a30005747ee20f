package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** An instruction of a flow entry, {@code struct ofp_instruction} and its variants (OF 1.3.5 §7.2.4). */
public sealed interface Instruction {
    // OF 1.3.5 §7.2.4, enum ofp_instruction_type.
    int GOTO_TABLE = 1;
    int WRITE_METADATA = 2;
    int WRITE_ACTIONS = 3;
    int APPLY_ACTIONS = 4;
    int CLEAR_ACTIONS = 5;
    int METER = 6;
    int EXPERIMENTER = 0xFFFF;

    /** The {@code ofp_instruction_type}. */
    int type();

    /** The instruction's length on the wire. */
    default int length() {
        return 8;
    }

    /** OFPIT_GOTO_TABLE: continue the pipeline at {@code table}. */
    record GotoTable(TableId table) implements Instruction {
        public int type() {
            return GOTO_TABLE;
        }

        public String toString() {
            return "goto_table:" + table;
        }
    }

    /** OFPIT_WRITE_METADATA: {@code metadata = metadata & ~mask | value & mask}. */
    record WriteMetadata(long metadata, long mask) implements Instruction {
        public int type() {
            return WRITE_METADATA;
        }

        public int length() {
            return 24;
        }

        public String toString() {
            return "write_metadata:0x" + Long.toHexString(metadata) + (mask == -1L ? "" : "/0x" + Long.toHexString(mask));
        }
    }

    /** OFPIT_WRITE_ACTIONS: merge {@code actions} into the action set. */
    record WriteActions(List<Action> actions) implements Instruction {
        public WriteActions {
            actions = List.copyOf(actions);
        }

        public int type() {
            return WRITE_ACTIONS;
        }

        public int length() {
            return 8 + Action.length(actions);
        }

        public String toString() {
            return "write_actions(" + (actions.isEmpty() ? "" : Action.toString(actions)) + ")";
        }
    }

    /** OFPIT_APPLY_ACTIONS: apply {@code actions} to the packet now. */
    record ApplyActions(List<Action> actions) implements Instruction {
        public ApplyActions {
            actions = List.copyOf(actions);
        }

        public static ApplyActions of(Action... actions) {
            return new ApplyActions(List.of(actions));
        }

        public int type() {
            return APPLY_ACTIONS;
        }

        public int length() {
            return 8 + Action.length(actions);
        }

        public String toString() {
            return Action.toString(actions);
        }
    }

    /** OFPIT_CLEAR_ACTIONS: empty the action set. */
    record ClearActions() implements Instruction {
        public int type() {
            return CLEAR_ACTIONS;
        }

        public String toString() {
            return "clear_actions";
        }
    }

    /** OFPIT_METER: send the packet through {@code meter}. */
    record Meter(MeterId meter) implements Instruction {
        public int type() {
            return METER;
        }

        public String toString() {
            return "meter:" + meter;
        }
    }

    // ---------------------------------------------------------------- wire

    static int length(List<Instruction> list) {
        int n = 0;
        for (Instruction i : list) {
            n += i.length();
        }
        return n;
    }

    static void writeAll(ByteBuf out, List<Instruction> list) {
        for (Instruction i : list) {
            out.writeShort(i.type());
            out.writeShort(i.length());
            switch (i) {
                case GotoTable g -> {
                    out.writeByte(g.table().value());
                    out.writeZero(3);
                }
                case WriteMetadata w -> {
                    out.writeZero(4);
                    out.writeLong(w.metadata());
                    out.writeLong(w.mask());
                }
                case WriteActions w -> {
                    out.writeZero(4);
                    Action.writeAll(out, w.actions());
                }
                case ApplyActions a -> {
                    out.writeZero(4);
                    Action.writeAll(out, a.actions());
                }
                case ClearActions c -> out.writeZero(4);
                case Meter m -> out.writeInt(m.meter().value());
            }
        }
    }

    /** Reads the instructions that fill exactly {@code length} bytes at the reader index. */
    static List<Instruction> readAll(ByteBuf in, int length) throws OfpException {
        int end = in.readerIndex() + length;
        List<Instruction> list = new ArrayList<>();
        while (in.readerIndex() < end) {
            int available = end - in.readerIndex();
            if (available < 8) {
                throw new OfpException(ErrorCode.BAD_INSTRUCTION_BAD_LEN, "instruction header truncated (" + available + " bytes)");
            }
            int start = in.readerIndex();
            int type = in.readUnsignedShort();
            int len = in.readUnsignedShort();
            if (len < 8 || len % 8 != 0 || len > available) {
                throw new OfpException(ErrorCode.BAD_INSTRUCTION_BAD_LEN, "instruction type " + type + " with length " + len);
            }
            Instruction i = switch (type) {
                case GOTO_TABLE -> {
                    expect(type, len, 8);
                    yield new GotoTable(TableId.of(in.readUnsignedByte()));
                }
                case WRITE_METADATA -> {
                    expect(type, len, 24);
                    in.skipBytes(4);
                    yield new WriteMetadata(in.readLong(), in.readLong());
                }
                case WRITE_ACTIONS -> {
                    in.skipBytes(4);
                    yield new WriteActions(Action.readAll(in, len - 8));
                }
                case APPLY_ACTIONS -> {
                    in.skipBytes(4);
                    yield new ApplyActions(Action.readAll(in, len - 8));
                }
                case CLEAR_ACTIONS -> {
                    expect(type, len, 8);
                    yield new ClearActions();
                }
                case METER -> {
                    expect(type, len, 8);
                    yield new Meter(MeterId.of(in.readInt()));
                }
                case EXPERIMENTER -> throw new OfpException(ErrorCode.BAD_INSTRUCTION_BAD_EXPERIMENTER, "experimenter instructions are not supported");
                default -> throw new OfpException(ErrorCode.BAD_INSTRUCTION_UNKNOWN_INST, "unknown instruction type " + type);
            };
            in.readerIndex(start + len);
            list.add(i);
        }
        return List.copyOf(list);
    }

    private static void expect(int type, int len, int want) throws OfpException {
        if (len != want) {
            throw new OfpException(ErrorCode.BAD_INSTRUCTION_BAD_LEN, "instruction type " + type + " has length " + len + ", want " + want);
        }
    }

    /** Instructions in ovs-ofctl's notation (the part after {@code actions=}), {@code drop} for none. */
    static String toString(List<Instruction> list) {
        if (list.isEmpty()) {
            return "drop";
        }
        StringBuilder sb = new StringBuilder();
        // ovs-ofctl prints meter first and goto_table last, whatever the wire order.
        for (int pass = 0; pass < 3; pass++) {
            for (Instruction i : list) {
                int rank = i instanceof Meter ? 0 : i instanceof GotoTable ? 2 : 1;
                if (rank != pass || (i instanceof ApplyActions a && a.actions().isEmpty())) {
                    continue;
                }
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(i);
            }
        }
        return sb.length() == 0 ? "drop" : sb.toString();
    }
}
