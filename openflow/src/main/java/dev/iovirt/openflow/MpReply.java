package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a MULTIPART reply (OF 1.3.5 §7.3.5), one record per {@link MultipartType} this codec
 * carries. Bodies that are arrays of entries implement {@link Entries}, so that a long reply can be
 * split over several messages ({@link OfpMultipartReply#split}) and put together again
 * ({@link OfpMultipartReply#merge}).
 */
public sealed interface MpReply {
    MultipartType multipartType();

    /** A body that is an array of entries. */
    sealed interface Entries<T> extends MpReply {
        List<T> entries();

        /** The wire length of entry {@code e}. */
        int lengthOf(T e);

        /** The same kind of body with other entries. */
        Entries<T> with(List<T> entries);
    }

    /**
     * OFPMP_DESC reply, {@code struct ofp_desc} (OF 1.3.5 §7.3.5.1): fixed-size NUL-padded strings.
     *
     * @param mfrDesc manufacturer description (at most 255 bytes)
     * @param hwDesc hardware description (at most 255 bytes)
     * @param swDesc software description (at most 255 bytes)
     * @param serialNum serial number (at most 31 bytes)
     * @param dpDesc human readable description of the datapath (at most 255 bytes)
     */
    record Desc(String mfrDesc, String hwDesc, String swDesc, String serialNum, String dpDesc) implements MpReply {
        /** DESC_STR_LEN (OF 1.3.5 §7.3.5.1). */
        public static final int DESC_STR_LEN = 256;
        /** SERIAL_NUM_LEN (OF 1.3.5 §7.3.5.1). */
        public static final int SERIAL_NUM_LEN = 32;

        public Desc {
            check(mfrDesc, DESC_STR_LEN);
            check(hwDesc, DESC_STR_LEN);
            check(swDesc, DESC_STR_LEN);
            check(serialNum, SERIAL_NUM_LEN);
            check(dpDesc, DESC_STR_LEN);
        }

        private static void check(String s, int size) {
            if (s.getBytes(StandardCharsets.ISO_8859_1).length >= size) {
                throw new IllegalArgumentException("description longer than " + (size - 1) + " bytes: '" + s + "'");
            }
        }

        public MultipartType multipartType() {
            return MultipartType.DESC;
        }
    }

    /** OFPMP_FLOW reply: the matching flow entries (OF 1.3.5 §7.3.5.2). */
    record Flows(List<FlowStats> entries) implements Entries<FlowStats> {
        public Flows {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.FLOW;
        }

        public int lengthOf(FlowStats e) {
            return e.length();
        }

        public Flows with(List<FlowStats> entries) {
            return new Flows(entries);
        }
    }

    /**
     * OFPMP_AGGREGATE reply, {@code struct ofp_aggregate_stats_reply} (OF 1.3.5 §7.3.5.3).
     *
     * @param packetCount packets of all matching flows
     * @param byteCount bytes of all matching flows
     * @param flowCount number of matching flows
     */
    record Aggregate(long packetCount, long byteCount, long flowCount) implements MpReply {
        public MultipartType multipartType() {
            return MultipartType.AGGREGATE;
        }
    }

    /** OFPMP_TABLE reply (OF 1.3.5 §7.3.5.4). */
    record Tables(List<TableStats> entries) implements Entries<TableStats> {
        public Tables {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.TABLE;
        }

        public int lengthOf(TableStats e) {
            return TableStats.LENGTH;
        }

        public Tables with(List<TableStats> entries) {
            return new Tables(entries);
        }
    }

    /** OFPMP_PORT_STATS reply (OF 1.3.5 §7.3.5.6). */
    record Ports(List<PortStats> entries) implements Entries<PortStats> {
        public Ports {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.PORT_STATS;
        }

        public int lengthOf(PortStats e) {
            return PortStats.LENGTH;
        }

        public Ports with(List<PortStats> entries) {
            return new Ports(entries);
        }
    }

    /** OFPMP_PORT_DESC reply: every port's {@code ofp_port} (OF 1.3.5 §7.3.5.7). */
    record PortDescs(List<Port> entries) implements Entries<Port> {
        public PortDescs {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.PORT_DESC;
        }

        public int lengthOf(Port e) {
            return Port.LENGTH;
        }

        public PortDescs with(List<Port> entries) {
            return new PortDescs(entries);
        }
    }

    /** OFPMP_GROUP reply (OF 1.3.5 §7.3.5.9). */
    record Groups(List<GroupStats> entries) implements Entries<GroupStats> {
        public Groups {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.GROUP;
        }

        public int lengthOf(GroupStats e) {
            return e.length();
        }

        public Groups with(List<GroupStats> entries) {
            return new Groups(entries);
        }
    }

    /** OFPMP_GROUP_DESC reply (OF 1.3.5 §7.3.5.10). */
    record GroupDescs(List<GroupDesc> entries) implements Entries<GroupDesc> {
        public GroupDescs {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.GROUP_DESC;
        }

        public int lengthOf(GroupDesc e) {
            return e.length();
        }

        public GroupDescs with(List<GroupDesc> entries) {
            return new GroupDescs(entries);
        }
    }

    /** OFPMP_METER reply (OF 1.3.5 §7.3.5.12). */
    record Meters(List<MeterStats> entries) implements Entries<MeterStats> {
        public Meters {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.METER;
        }

        public int lengthOf(MeterStats e) {
            return e.length();
        }

        public Meters with(List<MeterStats> entries) {
            return new Meters(entries);
        }
    }

    /** OFPMP_METER_CONFIG reply (OF 1.3.5 §7.3.5.13). */
    record MeterConfigs(List<MeterConfig> entries) implements Entries<MeterConfig> {
        public MeterConfigs {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.METER_CONFIG;
        }

        public int lengthOf(MeterConfig e) {
            return e.length();
        }

        public MeterConfigs with(List<MeterConfig> entries) {
            return new MeterConfigs(entries);
        }
    }

    /** OFPMP_QUEUE reply (OF 1.3.5 §7.3.5.8). */
    record Queues(List<QueueStats> entries) implements Entries<QueueStats> {
        public Queues {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.QUEUE;
        }

        public int lengthOf(QueueStats e) {
            return QueueStats.LENGTH;
        }

        public Queues with(List<QueueStats> entries) {
            return new Queues(entries);
        }
    }

    /**
     * OFPMP_GROUP_FEATURES reply, {@code struct ofp_group_features} (OF 1.3.5 §7.3.5.11).
     *
     * @param types bitmap of supported {@link GroupType}s ({@code 1 << type})
     * @param capabilities OFPGFC_* bits
     * @param maxGroups the most groups of each type, indexed by type code
     * @param actions bitmap of supported action types ({@code 1 << type}) per group type
     */
    record GroupFeatures(int types, int capabilities, int[] maxGroups, int[] actions) implements MpReply {
        /** OFPGFC_SELECT_WEIGHT: support weight for select groups. */
        public static final int CAP_SELECT_WEIGHT = 1;
        /** OFPGFC_SELECT_LIVENESS: support liveness for select groups. */
        public static final int CAP_SELECT_LIVENESS = 1 << 1;
        /** OFPGFC_CHAINING: support chaining groups. */
        public static final int CAP_CHAINING = 1 << 2;
        /** OFPGFC_CHAINING_CHECKS: check chaining for loops and delete. */
        public static final int CAP_CHAINING_CHECKS = 1 << 3;

        public GroupFeatures {
            if (maxGroups.length != 4 || actions.length != 4) {
                throw new IllegalArgumentException("max_groups and actions have one entry per group type (4)");
            }
            maxGroups = maxGroups.clone();
            actions = actions.clone();
        }

        public MultipartType multipartType() {
            return MultipartType.GROUP_FEATURES;
        }

        @Override
        public int[] maxGroups() {
            return maxGroups.clone();
        }

        @Override
        public int[] actions() {
            return actions.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GroupFeatures g && g.types == types && g.capabilities == capabilities
                    && java.util.Arrays.equals(g.maxGroups, maxGroups) && java.util.Arrays.equals(g.actions, actions);
        }

        @Override
        public int hashCode() {
            return types * 31 + capabilities + java.util.Arrays.hashCode(maxGroups) * 7 + java.util.Arrays.hashCode(actions);
        }

        @Override
        public String toString() {
            return "GroupFeatures[types=" + types + ", capabilities=" + capabilities + ", maxGroups="
                    + java.util.Arrays.toString(maxGroups) + ", actions=" + java.util.Arrays.toString(actions) + "]";
        }
    }

    /**
     * OFPMP_METER_FEATURES reply, {@code struct ofp_meter_features} (OF 1.3.5 §7.3.5.14).
     *
     * @param maxMeter the most meters
     * @param bandTypes bitmap of supported band types ({@code 1 << type})
     * @param capabilities OFPMF_* flags supported
     * @param maxBands the most bands per meter
     * @param maxColor the most colour values
     */
    record MeterFeatures(long maxMeter, int bandTypes, int capabilities, int maxBands, int maxColor) implements MpReply {
        public MultipartType multipartType() {
            return MultipartType.METER_FEATURES;
        }
    }

    /** OFPMP_TABLE_FEATURES reply (OF 1.3.5 §7.3.5.5). */
    record TableFeaturesList(List<TableFeatures> entries) implements Entries<TableFeatures> {
        public TableFeaturesList {
            entries = List.copyOf(entries);
        }

        public MultipartType multipartType() {
            return MultipartType.TABLE_FEATURES;
        }

        public int lengthOf(TableFeatures e) {
            return e.length();
        }

        public TableFeaturesList with(List<TableFeatures> entries) {
            return new TableFeaturesList(entries);
        }
    }

    // ---------------------------------------------------------------- wire

    static void write(ByteBuf out, MpReply body) {
        switch (body) {
            case Desc d -> {
                writeString(out, d.mfrDesc(), Desc.DESC_STR_LEN);
                writeString(out, d.hwDesc(), Desc.DESC_STR_LEN);
                writeString(out, d.swDesc(), Desc.DESC_STR_LEN);
                writeString(out, d.serialNum(), Desc.SERIAL_NUM_LEN);
                writeString(out, d.dpDesc(), Desc.DESC_STR_LEN);
            }
            case Aggregate a -> {
                out.writeLong(a.packetCount());
                out.writeLong(a.byteCount());
                out.writeInt((int) a.flowCount());
                out.writeZero(4);
            }
            case Flows f -> f.entries().forEach(e -> e.write(out));
            case Tables t -> t.entries().forEach(e -> e.write(out));
            case Ports p -> p.entries().forEach(e -> e.write(out));
            case PortDescs p -> p.entries().forEach(e -> e.write(out));
            case Groups g -> g.entries().forEach(e -> e.write(out));
            case GroupDescs g -> g.entries().forEach(e -> e.write(out));
            case Meters m -> m.entries().forEach(e -> e.write(out));
            case MeterConfigs m -> m.entries().forEach(e -> e.write(out));
            case TableFeaturesList t -> t.entries().forEach(e -> e.write(out));
            case Queues q -> q.entries().forEach(e -> e.write(out));
            case GroupFeatures g -> {
                out.writeInt(g.types());
                out.writeInt(g.capabilities());
                for (int v : g.maxGroups) {
                    out.writeInt(v);
                }
                for (int v : g.actions) {
                    out.writeInt(v);
                }
            }
            case MeterFeatures m -> {
                out.writeInt((int) m.maxMeter());
                out.writeInt(m.bandTypes());
                out.writeInt(m.capabilities());
                out.writeByte(m.maxBands());
                out.writeByte(m.maxColor());
                out.writeZero(2);
            }
        }
    }

    private static void writeString(ByteBuf out, String s, int size) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(b);
        out.writeZero(size - b.length);
    }

    private static String readString(ByteBuf in, int size) {
        byte[] b = new byte[size];
        in.readBytes(b);
        int n = 0;
        while (n < size - 1 && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Reads the body of {@code type} that fills the rest of {@code in}. */
    static MpReply read(ByteBuf in, MultipartType type) throws OfpException {
        MpReply body = switch (type) {
            case DESC -> {
                MpRequest.need(in, 4 * Desc.DESC_STR_LEN + Desc.SERIAL_NUM_LEN);
                yield new Desc(readString(in, Desc.DESC_STR_LEN), readString(in, Desc.DESC_STR_LEN),
                        readString(in, Desc.DESC_STR_LEN), readString(in, Desc.SERIAL_NUM_LEN), readString(in, Desc.DESC_STR_LEN));
            }
            case AGGREGATE -> {
                MpRequest.need(in, 24);
                Aggregate a = new Aggregate(in.readLong(), in.readLong(), in.readUnsignedInt());
                in.skipBytes(4);
                yield a;
            }
            case FLOW -> {
                List<FlowStats> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(FlowStats.read(in));
                }
                yield new Flows(l);
            }
            case TABLE -> {
                List<TableStats> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(TableStats.read(in));
                }
                yield new Tables(l);
            }
            case PORT_STATS -> {
                List<PortStats> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(PortStats.read(in));
                }
                yield new Ports(l);
            }
            case PORT_DESC -> {
                List<Port> l = new ArrayList<>();
                while (in.isReadable()) {
                    MpRequest.need(in, Port.LENGTH);
                    l.add(Port.read(in));
                }
                yield new PortDescs(l);
            }
            case GROUP -> {
                List<GroupStats> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(GroupStats.read(in));
                }
                yield new Groups(l);
            }
            case GROUP_DESC -> {
                List<GroupDesc> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(GroupDesc.read(in));
                }
                yield new GroupDescs(l);
            }
            case METER -> {
                List<MeterStats> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(MeterStats.read(in));
                }
                yield new Meters(l);
            }
            case METER_CONFIG -> {
                List<MeterConfig> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(MeterConfig.read(in));
                }
                yield new MeterConfigs(l);
            }
            case QUEUE -> {
                List<QueueStats> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(QueueStats.read(in));
                }
                yield new Queues(l);
            }
            case GROUP_FEATURES -> {
                MpRequest.need(in, 40);
                int types = in.readInt();
                int caps = in.readInt();
                int[] max = new int[4];
                int[] actions = new int[4];
                for (int i = 0; i < 4; i++) {
                    max[i] = in.readInt();
                }
                for (int i = 0; i < 4; i++) {
                    actions[i] = in.readInt();
                }
                yield new GroupFeatures(types, caps, max, actions);
            }
            case METER_FEATURES -> {
                MpRequest.need(in, 16);
                MeterFeatures m = new MeterFeatures(in.readUnsignedInt(), in.readInt(), in.readInt(), in.readUnsignedByte(), in.readUnsignedByte());
                in.skipBytes(2);
                yield m;
            }
            case TABLE_FEATURES -> {
                List<TableFeatures> l = new ArrayList<>();
                while (in.isReadable()) {
                    l.add(TableFeatures.read(in));
                }
                yield new TableFeaturesList(l);
            }
            default -> throw new OfpException(ErrorCode.BAD_REQUEST_BAD_MULTIPART, "multipart type " + type + " is not supported");
        };
        if (in.isReadable()) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, in.readableBytes() + " bytes after the " + type + " reply body");
        }
        return body;
    }
}
