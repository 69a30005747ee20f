package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An action, {@code struct ofp_action_header} and its variants (OF 1.3.5 §7.2.5). Each variant's
 * {@code toString()} is its ovs-ofctl notation.
 */
public sealed interface Action {
    // OF 1.3.5 §7.2.5, enum ofp_action_type.
    int OUTPUT = 0;
    int COPY_TTL_OUT = 11;
    int COPY_TTL_IN = 12;
    int SET_MPLS_TTL = 15;
    int DEC_MPLS_TTL = 16;
    int PUSH_VLAN = 17;
    int POP_VLAN = 18;
    int PUSH_MPLS = 19;
    int POP_MPLS = 20;
    int SET_QUEUE = 21;
    int GROUP = 22;
    int SET_NW_TTL = 23;
    int DEC_NW_TTL = 24;
    int SET_FIELD = 25;
    int PUSH_PBB = 26;
    int POP_PBB = 27;
    int EXPERIMENTER = 0xFFFF;

    /** OFPCML_MAX: the largest max_len that asks for buffering (OF 1.3.5 §7.2.5, {@code enum ofp_controller_max_len}). */
    int CML_MAX = 0xFFE5;
    /** OFPCML_NO_BUFFER: send the whole packet to the controller, unbuffered (OF 1.3.5 §7.2.5). */
    int CML_NO_BUFFER = 0xFFFF;

    /** The {@code ofp_action_type}. */
    int type();

    /** The action's length on the wire, a multiple of 8. */
    default int length() {
        return 8;
    }

    /** OFPAT_OUTPUT: send to {@code port}; {@code maxLen} bytes go to the controller when the port is CONTROLLER. */
    record Output(PortNo port, int maxLen) implements Action {
        public static Output to(int port) {
            return new Output(PortNo.of(port), 0);
        }

        public static Output to(PortNo port) {
            return new Output(port, port.equals(PortNo.CONTROLLER) ? CML_NO_BUFFER : 0);
        }

        public int type() {
            return OUTPUT;
        }

        public int length() {
            return 16;
        }

        public String toString() {
            if (port.equals(PortNo.CONTROLLER)) {
                return "CONTROLLER:" + maxLen;
            }
            return port.isReserved() ? port.toString() : "output:" + port;
        }
    }

    /** OFPAT_COPY_TTL_OUT: copy TTL "outwards", from next-to-outermost to outermost. */
    record CopyTtlOut() implements Action {
        public int type() {
            return COPY_TTL_OUT;
        }

        public String toString() {
            return "copy_ttl_out";
        }
    }

    /** OFPAT_COPY_TTL_IN: copy TTL "inwards", from outermost to next-to-outermost. */
    record CopyTtlIn() implements Action {
        public int type() {
            return COPY_TTL_IN;
        }

        public String toString() {
            return "copy_ttl_in";
        }
    }

    /** OFPAT_SET_MPLS_TTL. */
    record SetMplsTtl(int ttl) implements Action {
        public int type() {
            return SET_MPLS_TTL;
        }

        public String toString() {
            return "set_mpls_ttl(" + ttl + ")";
        }
    }

    /** OFPAT_DEC_MPLS_TTL. */
    record DecMplsTtl() implements Action {
        public int type() {
            return DEC_MPLS_TTL;
        }

        public String toString() {
            return "dec_mpls_ttl";
        }
    }

    /** OFPAT_PUSH_VLAN: push a new VLAN tag with TPID {@code ethertype} (0x8100 or 0x88a8). */
    record PushVlan(int ethertype) implements Action {
        public int type() {
            return PUSH_VLAN;
        }

        public String toString() {
            return String.format("push_vlan:0x%04x", ethertype);
        }
    }

    /** OFPAT_POP_VLAN: pop the outer VLAN tag. */
    record PopVlan() implements Action {
        public int type() {
            return POP_VLAN;
        }

        public String toString() {
            return "pop_vlan";
        }
    }

    /** OFPAT_PUSH_MPLS. */
    record PushMpls(int ethertype) implements Action {
        public int type() {
            return PUSH_MPLS;
        }

        public String toString() {
            return String.format("push_mpls:0x%04x", ethertype);
        }
    }

    /** OFPAT_POP_MPLS: pop the outer MPLS shim; {@code ethertype} is the payload's. */
    record PopMpls(int ethertype) implements Action {
        public int type() {
            return POP_MPLS;
        }

        public String toString() {
            return String.format("pop_mpls:0x%04x", ethertype);
        }
    }

    /** OFPAT_SET_QUEUE. */
    record SetQueue(int queueId) implements Action {
        public int type() {
            return SET_QUEUE;
        }

        public String toString() {
            return "set_queue:" + Integer.toUnsignedString(queueId);
        }
    }

    /** OFPAT_GROUP: process the packet through {@code group}. */
    record Group(GroupId group) implements Action {
        public int type() {
            return GROUP;
        }

        public String toString() {
            return "group:" + group;
        }
    }

    /** OFPAT_SET_NW_TTL. */
    record SetNwTtl(int ttl) implements Action {
        public int type() {
            return SET_NW_TTL;
        }

        public String toString() {
            return "mod_nw_ttl:" + ttl;
        }
    }

    /** OFPAT_DEC_NW_TTL. */
    record DecNwTtl() implements Action {
        public int type() {
            return DEC_NW_TTL;
        }

        public String toString() {
            return "dec_ttl";
        }
    }

    /** OFPAT_SET_FIELD: set one header field; the OXM carries no mask in OpenFlow 1.3. */
    record SetField(Oxm field) implements Action {
        public SetField {
            if (field.hasMask()) {
                throw new IllegalArgumentException("OpenFlow 1.3 set_field carries no mask: " + field);
            }
        }

        public int type() {
            return SET_FIELD;
        }

        public int length() {
            return (4 + field.wireLength() + 7) & ~7;
        }

        public String toString() {
            return "set_field:" + field.valueText() + "->" + field.field().ovsName();
        }
    }

    /** OFPAT_PUSH_PBB. */
    record PushPbb(int ethertype) implements Action {
        public int type() {
            return PUSH_PBB;
        }

        public String toString() {
            return String.format("push_pbb:0x%04x", ethertype);
        }
    }

    /** OFPAT_POP_PBB. */
    record PopPbb() implements Action {
        public int type() {
            return POP_PBB;
        }

        public String toString() {
            return "pop_pbb";
        }
    }

    // ---------------------------------------------------------------- wire

    /** The total wire length of {@code actions}. */
    static int length(List<Action> actions) {
        int n = 0;
        for (Action a : actions) {
            n += a.length();
        }
        return n;
    }

    /** Writes {@code actions} back to back. */
    static void writeAll(ByteBuf out, List<Action> actions) {
        for (Action a : actions) {
            write(out, a);
        }
    }

    /** Writes one action. */
    static void write(ByteBuf out, Action a) {
        int start = out.writerIndex();
        out.writeShort(a.type());
        out.writeShort(a.length());
        switch (a) {
            case Output o -> {
                out.writeInt(o.port().value());
                out.writeShort(o.maxLen());
                out.writeZero(6);
            }
            case SetMplsTtl s -> {
                out.writeByte(s.ttl());
                out.writeZero(3);
            }
            case SetNwTtl s -> {
                out.writeByte(s.ttl());
                out.writeZero(3);
            }
            case PushVlan p -> {
                out.writeShort(p.ethertype());
                out.writeZero(2);
            }
            case PushMpls p -> {
                out.writeShort(p.ethertype());
                out.writeZero(2);
            }
            case PopMpls p -> {
                out.writeShort(p.ethertype());
                out.writeZero(2);
            }
            case PushPbb p -> {
                out.writeShort(p.ethertype());
                out.writeZero(2);
            }
            case SetQueue q -> out.writeInt(q.queueId());
            case Group g -> out.writeInt(g.group().value());
            case SetField s -> Match.writeOxm(out, s.field());
            case CopyTtlOut c -> out.writeZero(4);
            case CopyTtlIn c -> out.writeZero(4);
            case DecMplsTtl d -> out.writeZero(4);
            case PopVlan p -> out.writeZero(4);
            case DecNwTtl d -> out.writeZero(4);
            case PopPbb p -> out.writeZero(4);
        }
        out.writeZero(start + a.length() - out.writerIndex());
    }

    /** Reads an action list that fills exactly {@code length} bytes at the reader index. */
    static List<Action> readAll(ByteBuf in, int length) throws OfpException {
        if (length > in.readableBytes()) {
            throw new OfpException(ErrorCode.BAD_ACTION_BAD_LEN, "action list of " + length + " bytes with " + in.readableBytes() + " left");
        }
        int end = in.readerIndex() + length;
        List<Action> list = new ArrayList<>();
        while (in.readerIndex() < end) {
            list.add(read(in, end - in.readerIndex()));
        }
        return List.copyOf(list);
    }

    /** Reads one action of at most {@code available} bytes. */
    static Action read(ByteBuf in, int available) throws OfpException {
        if (available < 8) {
            throw new OfpException(ErrorCode.BAD_ACTION_BAD_LEN, "action header truncated (" + available + " bytes)");
        }
        int start = in.readerIndex();
        int type = in.readUnsignedShort();
        int len = in.readUnsignedShort();
        if (len < 8 || len % 8 != 0 || len > available) {
            throw new OfpException(ErrorCode.BAD_ACTION_BAD_LEN, "action type " + type + " with length " + len);
        }
        Action a = switch (type) {
            case OUTPUT -> {
                expect(type, len, 16);
                int port = in.readInt();
                int maxLen = in.readUnsignedShort();
                yield new Output(PortNo.of(port), maxLen);
            }
            case COPY_TTL_OUT -> fixed(type, len, new CopyTtlOut());
            case COPY_TTL_IN -> fixed(type, len, new CopyTtlIn());
            case SET_MPLS_TTL -> {
                expect(type, len, 8);
                yield new SetMplsTtl(in.readUnsignedByte());
            }
            case DEC_MPLS_TTL -> fixed(type, len, new DecMplsTtl());
            case PUSH_VLAN -> {
                expect(type, len, 8);
                yield new PushVlan(in.readUnsignedShort());
            }
            case POP_VLAN -> fixed(type, len, new PopVlan());
            case PUSH_MPLS -> {
                expect(type, len, 8);
                yield new PushMpls(in.readUnsignedShort());
            }
            case POP_MPLS -> {
                expect(type, len, 8);
                yield new PopMpls(in.readUnsignedShort());
            }
            case SET_QUEUE -> {
                expect(type, len, 8);
                yield new SetQueue(in.readInt());
            }
            case GROUP -> {
                expect(type, len, 8);
                yield new Group(GroupId.of(in.readInt()));
            }
            case SET_NW_TTL -> {
                expect(type, len, 8);
                yield new SetNwTtl(in.readUnsignedByte());
            }
            case DEC_NW_TTL -> fixed(type, len, new DecNwTtl());
            case SET_FIELD -> readSetField(in, len);
            case PUSH_PBB -> {
                expect(type, len, 8);
                yield new PushPbb(in.readUnsignedShort());
            }
            case POP_PBB -> fixed(type, len, new PopPbb());
            case EXPERIMENTER -> throw new OfpException(ErrorCode.BAD_ACTION_BAD_EXPERIMENTER,
                    "experimenter action 0x" + Integer.toHexString(len >= 8 ? in.getInt(in.readerIndex()) : 0) + " is not supported");
            default -> throw new OfpException(ErrorCode.BAD_ACTION_BAD_TYPE, "unknown action type " + type);
        };
        in.readerIndex(start + len);
        return a;
    }

    private static Action readSetField(ByteBuf in, int len) throws OfpException {
        Oxm oxm;
        try {
            oxm = Match.readOxm(in, len - 4, ErrorCode.BAD_ACTION_BAD_SET_LEN);
        } catch (OfpException e) {
            throw e.code() == ErrorCode.BAD_MATCH_BAD_FIELD
                    ? new OfpException(ErrorCode.BAD_ACTION_BAD_SET_TYPE, e.detail())
                    : e;
        }
        if (len != ((4 + oxm.wireLength() + 7) & ~7)) {
            throw new OfpException(ErrorCode.BAD_ACTION_BAD_SET_LEN, "set_field of " + oxm.field() + " with length " + len);
        }
        if (oxm.hasMask() || (oxm.value() & ~oxm.field().validBits()) != 0) {
            throw new OfpException(ErrorCode.BAD_ACTION_BAD_SET_ARGUMENT, "set_field " + oxm);
        }
        return new SetField(oxm);
    }

    private static void expect(int type, int len, int want) throws OfpException {
        if (len != want) {
            throw new OfpException(ErrorCode.BAD_ACTION_BAD_LEN, "action type " + type + " has length " + len + ", want " + want);
        }
    }

    private static Action fixed(int type, int len, Action a) throws OfpException {
        expect(type, len, 8);
        return a;
    }

    /** {@code actions} in ovs-ofctl's notation, or {@code drop} for none. */
    static String toString(List<Action> actions) {
        if (actions.isEmpty()) {
            return "drop";
        }
        StringBuilder sb = new StringBuilder();
        for (Action a : actions) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(a);
        }
        return sb.toString();
    }
}
