package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;

/**
 * The body of a MULTIPART request (OF 1.3.5 §7.3.5), one record per {@link MultipartType} this codec
 * carries.
 */
public sealed interface MpRequest {
    MultipartType multipartType();

    /** OFPMP_DESC request: no body (OF 1.3.5 §7.3.5.1). */
    record Desc() implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.DESC;
        }
    }

    /**
     * OFPMP_FLOW request, {@code struct ofp_flow_stats_request} (OF 1.3.5 §7.3.5.2).
     *
     * @param tableId the table, or {@link TableId#ALL}
     * @param outPort only entries that output to this port, {@link PortNo#ANY} for all
     * @param outGroup only entries that output to this group, {@link GroupId#ANY} for all
     * @param cookie only entries with this cookie under {@code cookieMask}
     * @param cookieMask 0 for any cookie
     * @param match only entries this match covers
     */
    record Flow(TableId tableId, PortNo outPort, GroupId outGroup, long cookie, long cookieMask, Match match) implements MpRequest {
        /** All flows of all tables. */
        public static Flow all() {
            return new Flow(TableId.ALL, PortNo.ANY, GroupId.ANY, 0, 0, Match.ALL);
        }

        public MultipartType multipartType() {
            return MultipartType.FLOW;
        }
    }

    /** OFPMP_AGGREGATE request, {@code struct ofp_aggregate_stats_request} (OF 1.3.5 §7.3.5.3); fields as in {@link Flow}. */
    record Aggregate(TableId tableId, PortNo outPort, GroupId outGroup, long cookie, long cookieMask, Match match) implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.AGGREGATE;
        }
    }

    /** OFPMP_TABLE request: no body (OF 1.3.5 §7.3.5.4). */
    record Table() implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.TABLE;
        }
    }

    /** OFPMP_PORT_STATS request (OF 1.3.5 §7.3.5.6); {@link PortNo#ANY} for all ports. */
    record PortStats(PortNo portNo) implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.PORT_STATS;
        }
    }

    /** OFPMP_PORT_DESC request: no body (OF 1.3.5 §7.3.5.7). */
    record PortDesc() implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.PORT_DESC;
        }
    }

    /** OFPMP_GROUP request (OF 1.3.5 §7.3.5.9); {@link GroupId#ALL} for all groups. */
    record Group(GroupId groupId) implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.GROUP;
        }
    }

    /** OFPMP_QUEUE request (OF 1.3.5 §7.3.5.8); {@link PortNo#ANY} and {@link QueueStats#ALL} for all. */
    record Queue(PortNo portNo, int queueId) implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.QUEUE;
        }
    }

    /** OFPMP_GROUP_FEATURES request: no body (OF 1.3.5 §7.3.5.11). */
    record GroupFeatures() implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.GROUP_FEATURES;
        }
    }

    /** OFPMP_METER_FEATURES request: no body (OF 1.3.5 §7.3.5.14). */
    record MeterFeatures() implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.METER_FEATURES;
        }
    }

    /** OFPMP_GROUP_DESC request: no body (OF 1.3.5 §7.3.5.10). */
    record GroupDesc() implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.GROUP_DESC;
        }
    }

    /** OFPMP_METER request (OF 1.3.5 §7.3.5.12); {@link MeterId#ALL} for all meters. */
    record Meter(MeterId meterId) implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.METER;
        }
    }

    /** OFPMP_METER_CONFIG request (OF 1.3.5 §7.3.5.13); {@link MeterId#ALL} for all meters. */
    record MeterConfig(MeterId meterId) implements MpRequest {
        public MultipartType multipartType() {
            return MultipartType.METER_CONFIG;
        }
    }

    /**
     * OFPMP_TABLE_FEATURES request (OF 1.3.5 §7.3.5.5): empty to ask for the current features, or the
     * features to set.
     */
    record TableFeatures(java.util.List<dev.iovirt.openflow.TableFeatures> tables) implements MpRequest {
        public TableFeatures {
            tables = java.util.List.copyOf(tables);
        }

        public MultipartType multipartType() {
            return MultipartType.TABLE_FEATURES;
        }
    }

    static void write(ByteBuf out, MpRequest body) {
        switch (body) {
            case Desc d -> { }
            case Table t -> { }
            case PortDesc p -> { }
            case GroupDesc g -> { }
            case GroupFeatures g -> { }
            case MeterFeatures m -> { }
            case Queue q -> {
                out.writeInt(q.portNo().value());
                out.writeInt(q.queueId());
            }
            case Flow f -> writeFlowRequest(out, f.tableId(), f.outPort(), f.outGroup(), f.cookie(), f.cookieMask(), f.match());
            case Aggregate f -> writeFlowRequest(out, f.tableId(), f.outPort(), f.outGroup(), f.cookie(), f.cookieMask(), f.match());
            case PortStats p -> {
                out.writeInt(p.portNo().value());
                out.writeZero(4);
            }
            case Group g -> {
                out.writeInt(g.groupId().value());
                out.writeZero(4);
            }
            case Meter m -> {
                out.writeInt(m.meterId().value());
                out.writeZero(4);
            }
            case MeterConfig m -> {
                out.writeInt(m.meterId().value());
                out.writeZero(4);
            }
            case TableFeatures t -> t.tables().forEach(f -> f.write(out));
        }
    }

    private static void writeFlowRequest(ByteBuf out, TableId table, PortNo outPort, GroupId outGroup, long cookie, long mask, Match match) {
        out.writeByte(table.value());
        out.writeZero(3);
        out.writeInt(outPort.value());
        out.writeInt(outGroup.value());
        out.writeZero(4);
        out.writeLong(cookie);
        out.writeLong(mask);
        match.write(out);
    }

    /** Reads the body of {@code type} that fills the rest of {@code in}. */
    static MpRequest read(ByteBuf in, MultipartType type) throws OfpException {
        MpRequest body = switch (type) {
            case DESC -> new Desc();
            case TABLE -> new Table();
            case PORT_DESC -> new PortDesc();
            case GROUP_DESC -> new GroupDesc();
            case GROUP_FEATURES -> new GroupFeatures();
            case METER_FEATURES -> new MeterFeatures();
            case QUEUE -> {
                need(in, 8);
                yield new Queue(PortNo.of(in.readInt()), in.readInt());
            }
            case FLOW, AGGREGATE -> {
                need(in, 40);
                TableId table = TableId.of(in.readUnsignedByte());
                in.skipBytes(3);
                PortNo outPort = PortNo.of(in.readInt());
                GroupId outGroup = GroupId.of(in.readInt());
                in.skipBytes(4);
                long cookie = in.readLong();
                long mask = in.readLong();
                Match match = Match.read(in);
                yield type == MultipartType.FLOW
                        ? new Flow(table, outPort, outGroup, cookie, mask, match)
                        : new Aggregate(table, outPort, outGroup, cookie, mask, match);
            }
            case PORT_STATS -> {
                need(in, 8);
                PortStats p = new PortStats(PortNo.of(in.readInt()));
                in.skipBytes(4);
                yield p;
            }
            case GROUP -> {
                need(in, 8);
                Group g = new Group(GroupId.of(in.readInt()));
                in.skipBytes(4);
                yield g;
            }
            case METER, METER_CONFIG -> {
                need(in, 8);
                MeterId id = MeterId.of(in.readInt());
                in.skipBytes(4);
                yield type == MultipartType.METER ? new Meter(id) : new MeterConfig(id);
            }
            case TABLE_FEATURES -> {
                java.util.List<dev.iovirt.openflow.TableFeatures> l = new java.util.ArrayList<>();
                while (in.isReadable()) {
                    l.add(dev.iovirt.openflow.TableFeatures.read(in));
                }
                yield new TableFeatures(l);
            }
            default -> throw new OfpException(ErrorCode.BAD_REQUEST_BAD_MULTIPART, "multipart type " + type + " is not supported");
        };
        if (in.isReadable()) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, in.readableBytes() + " bytes after the " + type + " request body");
        }
        return body;
    }

    static void need(ByteBuf in, int n) throws OfpException {
        if (in.readableBytes() < n) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "body needs " + n + " bytes, has " + in.readableBytes());
        }
    }
}
