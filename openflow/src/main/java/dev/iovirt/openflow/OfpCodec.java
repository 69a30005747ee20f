package dev.iovirt.openflow;

import dev.iovirt.packet.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Encodes {@link OfpMessage}s to OpenFlow 1.3.5 wire bytes and decodes them back.
 *
 * <p>Decoding never throws anything but {@link OfpException}, which carries the OFPT_ERROR the
 * spec prescribes (type, code, the offending message's first 64 bytes) and says whether the
 * connection can continue. A message whose header is sound but whose body is not is never fatal.
 * Stateless and thread-safe.
 */
public final class OfpCodec {
    private OfpCodec() {
    }

    // ---------------------------------------------------------------- encode

    /** The message's bytes. */
    public static byte[] encode(OfpMessage m) {
        ByteBuf buf = Unpooled.buffer(64);
        encode(m, buf);
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }

    /**
     * Appends the message to {@code out}.
     *
     * @throws IllegalArgumentException if the message would exceed 65535 bytes (split multipart
     *     replies with {@link OfpMultipartReply#split} first)
     */
    public static void encode(OfpMessage m, ByteBuf out) {
        int start = out.writerIndex();
        out.writeByte(m instanceof OfpHello h ? h.version() : OfpMessage.VERSION);
        out.writeByte(m.type().code());
        out.writeShort(0); // length, patched below
        out.writeInt(m.xid());
        writeBody(m, out);
        int length = out.writerIndex() - start;
        if (length > OfpMessage.MAX_LENGTH) {
            out.writerIndex(start);
            throw new IllegalArgumentException(m.type() + " of " + length + " bytes exceeds the 65535 an OpenFlow message can hold");
        }
        out.setShort(start + 2, length);
    }

    private static void writeBody(OfpMessage m, ByteBuf out) {
        switch (m) {
            case OfpHello h -> {
                if (h.versionBitmap() != 0) {
                    out.writeShort(OfpHello.ELEMENT_VERSIONBITMAP);
                    out.writeShort(8);
                    out.writeInt(h.versionBitmap());
                }
            }
            case OfpError e -> {
                out.writeShort(e.errorType());
                out.writeShort(e.code());
                out.writeBytes(e.data());
            }
            case OfpEchoRequest e -> out.writeBytes(e.data());
            case OfpEchoReply e -> out.writeBytes(e.data());
            case OfpFeaturesRequest f -> { }
            case OfpFeaturesReply f -> {
                out.writeLong(f.datapathId().value());
                out.writeInt(f.nBuffers());
                out.writeByte(f.nTables());
                out.writeByte(f.auxiliaryId());
                out.writeZero(2);
                out.writeInt(f.capabilities());
                out.writeInt(0); // reserved
            }
            case OfpGetConfigRequest g -> { }
            case OfpGetConfigReply g -> {
                out.writeShort(g.flags());
                out.writeShort(g.missSendLen());
            }
            case OfpSetConfig s -> {
                out.writeShort(s.flags());
                out.writeShort(s.missSendLen());
            }
            case OfpPacketIn p -> writePacketIn(out, p.bufferId(), p.totalLen(), p.reason(), p.tableId(), p.cookie(), p.match(), p.data(), 0, p.data().length);
            case OfpFlowRemoved f -> {
                out.writeLong(f.cookie());
                out.writeShort(f.priority());
                out.writeByte(f.reason());
                out.writeByte(f.tableId().value());
                out.writeInt((int) f.durationSec());
                out.writeInt((int) f.durationNsec());
                out.writeShort(f.idleTimeout());
                out.writeShort(f.hardTimeout());
                out.writeLong(f.packetCount());
                out.writeLong(f.byteCount());
                f.match().write(out);
            }
            case OfpPortStatus p -> {
                out.writeByte(p.reason());
                out.writeZero(7);
                p.port().write(out);
            }
            case OfpPacketOut p -> {
                out.writeInt(p.bufferId().value());
                out.writeInt(p.inPort().value());
                out.writeShort(Action.length(p.actions()));
                out.writeZero(6);
                Action.writeAll(out, p.actions());
                out.writeBytes(p.data());
            }
            case OfpFlowMod f -> {
                out.writeLong(f.cookie());
                out.writeLong(f.cookieMask());
                out.writeByte(f.tableId().value());
                out.writeByte(f.command().code());
                out.writeShort(f.idleTimeout());
                out.writeShort(f.hardTimeout());
                out.writeShort(f.priority());
                out.writeInt(f.bufferId().value());
                out.writeInt(f.outPort().value());
                out.writeInt(f.outGroup().value());
                out.writeShort(f.flags());
                out.writeZero(2);
                f.match().write(out);
                Instruction.writeAll(out, f.instructions());
            }
            case OfpGroupMod g -> {
                out.writeShort(g.command().code());
                out.writeByte(g.groupType().code());
                out.writeZero(1);
                out.writeInt(g.groupId().value());
                Bucket.writeAll(out, g.buckets());
            }
            case OfpPortMod p -> {
                out.writeInt(p.portNo().value());
                out.writeZero(4);
                out.writeShort((int) (p.hwAddr().bits() >>> 32));
                out.writeInt((int) p.hwAddr().bits());
                out.writeZero(2);
                out.writeInt(p.config());
                out.writeInt(p.mask());
                out.writeInt(p.advertise());
                out.writeZero(4);
            }
            case OfpTableMod t -> {
                out.writeByte(t.tableId().value());
                out.writeZero(3);
                out.writeInt(t.config());
            }
            case OfpMultipartRequest r -> {
                out.writeShort(r.body().multipartType().code());
                out.writeShort(r.flags());
                out.writeZero(4);
                MpRequest.write(out, r.body());
            }
            case OfpMultipartReply r -> {
                out.writeShort(r.body().multipartType().code());
                out.writeShort(r.flags());
                out.writeZero(4);
                MpReply.write(out, r.body());
            }
            case OfpBarrierRequest b -> { }
            case OfpBarrierReply b -> { }
            case OfpRoleRequest r -> {
                out.writeInt(r.role().code());
                out.writeZero(4);
                out.writeLong(r.generationId());
            }
            case OfpRoleReply r -> {
                out.writeInt(r.role().code());
                out.writeZero(4);
                out.writeLong(r.generationId());
            }
            case OfpGetAsyncRequest g -> { }
            case OfpAsyncConfig a -> {
                out.writeInt(a.packetInMask0());
                out.writeInt(a.packetInMask1());
                out.writeInt(a.portStatusMask0());
                out.writeInt(a.portStatusMask1());
                out.writeInt(a.flowRemovedMask0());
                out.writeInt(a.flowRemovedMask1());
            }
            case OfpMeterMod mm -> {
                out.writeShort(mm.command().code());
                out.writeShort(mm.flags());
                out.writeInt(mm.meterId().value());
                MeterBand.writeAll(out, mm.bands());
            }
        }
    }

    private static void writePacketIn(ByteBuf out, BufferId bufferId, int totalLen, int reason, TableId table, long cookie,
                                      Match match, byte[] frame, int off, int len) {
        out.writeInt(bufferId.value());
        out.writeShort(totalLen);
        out.writeByte(reason);
        out.writeByte(table.value());
        out.writeLong(cookie);
        match.write(out);
        out.writeZero(2);
        out.writeBytes(frame, off, len);
    }

    /**
     * Appends a PACKET_IN for bytes {@code off..off+len} of {@code frame} without building an
     * {@link OfpPacketIn}: the switch's packet path, which must not allocate per packet beyond the
     * match it already has.
     */
    public static void encodePacketIn(ByteBuf out, int xid, BufferId bufferId, int totalLen, int reason, TableId table,
                                      long cookie, Match match, byte[] frame, int off, int len) {
        int start = out.writerIndex();
        out.writeByte(OfpMessage.VERSION);
        out.writeByte(OfpType.PACKET_IN.code());
        out.writeShort(0);
        out.writeInt(xid);
        writePacketIn(out, bufferId, totalLen, reason, table, cookie, match, frame, off, len);
        int length = out.writerIndex() - start;
        if (length > OfpMessage.MAX_LENGTH) {
            out.writerIndex(start);
            throw new IllegalArgumentException("PACKET_IN of " + length + " bytes exceeds 65535");
        }
        out.setShort(start + 2, length);
    }

    // ---------------------------------------------------------------- decode

    /** Decodes one message that is exactly {@code bytes}. */
    public static OfpMessage decode(byte[] bytes) throws OfpException {
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    /**
     * Decodes one message that is exactly the readable bytes of {@code frame} (the frame decoder
     * hands out such slices). Leaves the reader index at the end of the frame.
     */
    public static OfpMessage decode(ByteBuf frame) throws OfpException {
        int start = frame.readerIndex();
        int available = frame.readableBytes();
        if (available < OfpMessage.HEADER_LENGTH) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "message of " + available + " bytes is shorter than ofp_header")
                    .in(0, ByteBufUtil.getBytes(frame), true);
        }
        int version = frame.getUnsignedByte(start);
        int typeCode = frame.getUnsignedByte(start + 1);
        int length = frame.getUnsignedShort(start + 2);
        int xid = frame.getInt(start + 4);
        try {
            if (length < OfpMessage.HEADER_LENGTH) {
                throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "ofp_header.length " + length + " is below 8").in(xid, offending(frame, start, available), true);
            }
            if (length != available) {
                throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "ofp_header.length " + length + " but the message has " + available + " bytes");
            }
            OfpType type = OfpType.of(typeCode);
            if (version != OfpMessage.VERSION && type != OfpType.HELLO) {
                throw new OfpException(ErrorCode.BAD_REQUEST_BAD_VERSION, "version 0x" + Integer.toHexString(version) + " (OpenFlow 1.3 is 0x04)");
            }
            if (type == null) {
                throw new OfpException(ErrorCode.BAD_REQUEST_BAD_TYPE, "unknown message type " + typeCode);
            }
            ByteBuf body = frame.slice(start + OfpMessage.HEADER_LENGTH, length - OfpMessage.HEADER_LENGTH);
            OfpMessage m = decodeBody(type, version, xid, body);
            frame.readerIndex(start + length);
            return m;
        } catch (OfpException e) {
            frame.readerIndex(start + available);
            throw e.offending().length > 0 || e.isFatal() ? e : e.in(xid, offending(frame, start, available), false);
        } catch (IndexOutOfBoundsException e) {
            // Safety net: every read above is bounds-checked first; a read past the end is a length problem.
            frame.readerIndex(start + available);
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "structure runs past the end of the message")
                    .in(xid, offending(frame, start, available), false);
        }
    }

    private static byte[] offending(ByteBuf frame, int start, int available) {
        return ByteBufUtil.getBytes(frame, start, Math.min(available, OfpException.OFFENDING_BYTES));
    }

    private static OfpMessage decodeBody(OfpType type, int version, int xid, ByteBuf in) throws OfpException {
        return switch (type) {
            case HELLO -> decodeHello(in, version, xid);
            case ERROR -> {
                need(in, 4);
                int t = in.readUnsignedShort();
                int c = in.readUnsignedShort();
                yield new OfpError(xid, t, c, ByteBufUtil.getBytes(in));
            }
            case ECHO_REQUEST -> new OfpEchoRequest(xid, ByteBufUtil.getBytes(in));
            case ECHO_REPLY -> new OfpEchoReply(xid, ByteBufUtil.getBytes(in));
            case EXPERIMENTER -> throw new OfpException(ErrorCode.BAD_REQUEST_BAD_EXPERIMENTER,
                    "experimenter messages are not supported" + (in.readableBytes() >= 4 ? " (experimenter 0x" + Integer.toHexString(in.getInt(in.readerIndex())) + ")" : ""));
            case FEATURES_REQUEST -> {
                exactly(in, 0);
                yield new OfpFeaturesRequest(xid);
            }
            case FEATURES_REPLY -> {
                exactly(in, 24);
                DatapathId dpid = DatapathId.of(in.readLong());
                int nBuffers = in.readInt();
                int nTables = in.readUnsignedByte();
                int aux = in.readUnsignedByte();
                in.skipBytes(2);
                yield new OfpFeaturesReply(xid, dpid, nBuffers, nTables, aux, in.readInt());
            }
            case GET_CONFIG_REQUEST -> {
                exactly(in, 0);
                yield new OfpGetConfigRequest(xid);
            }
            case GET_CONFIG_REPLY -> {
                exactly(in, 4);
                yield new OfpGetConfigReply(xid, in.readUnsignedShort(), in.readUnsignedShort());
            }
            case SET_CONFIG -> {
                exactly(in, 4);
                yield new OfpSetConfig(xid, in.readUnsignedShort(), in.readUnsignedShort());
            }
            case PACKET_IN -> {
                need(in, 16);
                BufferId buffer = BufferId.of(in.readInt());
                int totalLen = in.readUnsignedShort();
                int reason = in.readUnsignedByte();
                TableId table = TableId.of(in.readUnsignedByte());
                long cookie = in.readLong();
                Match match = Match.read(in);
                need(in, 2);
                in.skipBytes(2);
                yield new OfpPacketIn(xid, buffer, totalLen, reason, table, cookie, match, ByteBufUtil.getBytes(in));
            }
            case FLOW_REMOVED -> {
                need(in, 40);
                long cookie = in.readLong();
                int priority = in.readUnsignedShort();
                int reason = in.readUnsignedByte();
                TableId table = TableId.of(in.readUnsignedByte());
                long sec = in.readUnsignedInt();
                long nsec = in.readUnsignedInt();
                int idle = in.readUnsignedShort();
                int hard = in.readUnsignedShort();
                long packets = in.readLong();
                long bytes = in.readLong();
                Match match = Match.read(in);
                exactly(in, 0);
                yield new OfpFlowRemoved(xid, cookie, priority, reason, table, sec, nsec, idle, hard, packets, bytes, match);
            }
            case PORT_STATUS -> {
                exactly(in, 8 + Port.LENGTH);
                int reason = in.readUnsignedByte();
                in.skipBytes(7);
                yield new OfpPortStatus(xid, reason, Port.read(in));
            }
            case PACKET_OUT -> {
                need(in, 16);
                BufferId buffer = BufferId.of(in.readInt());
                PortNo inPort = PortNo.of(in.readInt());
                int actionsLen = in.readUnsignedShort();
                in.skipBytes(6);
                if (actionsLen > in.readableBytes()) {
                    throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "actions_len " + actionsLen + " with " + in.readableBytes() + " bytes left");
                }
                List<Action> actions = Action.readAll(in, actionsLen);
                yield new OfpPacketOut(xid, buffer, inPort, actions, ByteBufUtil.getBytes(in));
            }
            case FLOW_MOD -> {
                need(in, 40);
                long cookie = in.readLong();
                long cookieMask = in.readLong();
                TableId table = TableId.of(in.readUnsignedByte());
                FlowModCommand command = FlowModCommand.of(in.readUnsignedByte());
                int idle = in.readUnsignedShort();
                int hard = in.readUnsignedShort();
                int priority = in.readUnsignedShort();
                BufferId buffer = BufferId.of(in.readInt());
                PortNo outPort = PortNo.of(in.readInt());
                GroupId outGroup = GroupId.of(in.readInt());
                int flags = in.readUnsignedShort();
                in.skipBytes(2);
                Match match = Match.read(in);
                List<Instruction> instructions = Instruction.readAll(in, in.readableBytes());
                yield new OfpFlowMod(xid, cookie, cookieMask, table, command, idle, hard, priority, buffer, outPort, outGroup, flags, match, instructions);
            }
            case GROUP_MOD -> {
                need(in, 8);
                GroupModCommand command = GroupModCommand.of(in.readUnsignedShort());
                GroupType groupType = GroupType.of(in.readUnsignedByte());
                in.skipBytes(1);
                GroupId group = GroupId.of(in.readInt());
                yield new OfpGroupMod(xid, command, groupType, group, Bucket.readAll(in, in.readableBytes()));
            }
            case PORT_MOD -> {
                exactly(in, 32);
                PortNo port = PortNo.of(in.readInt());
                in.skipBytes(4);
                long mac = (long) in.readUnsignedShort() << 32 | in.readUnsignedInt();
                in.skipBytes(2);
                OfpPortMod p = new OfpPortMod(xid, port, MacAddress.of(mac), in.readInt(), in.readInt(), in.readInt());
                in.skipBytes(4);
                yield p;
            }
            case TABLE_MOD -> {
                exactly(in, 8);
                TableId table = TableId.of(in.readUnsignedByte());
                in.skipBytes(3);
                yield new OfpTableMod(xid, table, in.readInt());
            }
            case MULTIPART_REQUEST -> {
                need(in, 8);
                MultipartType mp = MultipartType.of(in.readUnsignedShort());
                int flags = in.readUnsignedShort();
                in.skipBytes(4);
                yield new OfpMultipartRequest(xid, flags, MpRequest.read(in, mp));
            }
            case MULTIPART_REPLY -> {
                need(in, 8);
                MultipartType mp = MultipartType.of(in.readUnsignedShort());
                int flags = in.readUnsignedShort();
                in.skipBytes(4);
                yield new OfpMultipartReply(xid, flags, MpReply.read(in, mp));
            }
            case BARRIER_REQUEST -> {
                exactly(in, 0);
                yield new OfpBarrierRequest(xid);
            }
            case BARRIER_REPLY -> {
                exactly(in, 0);
                yield new OfpBarrierReply(xid);
            }
            case ROLE_REQUEST, ROLE_REPLY -> {
                exactly(in, 16);
                ControllerRole role = ControllerRole.of(in.readInt());
                in.skipBytes(4);
                long generation = in.readLong();
                yield type == OfpType.ROLE_REQUEST ? new OfpRoleRequest(xid, role, generation) : new OfpRoleReply(xid, role, generation);
            }
            case METER_MOD -> {
                need(in, 8);
                MeterModCommand command = MeterModCommand.of(in.readUnsignedShort());
                int flags = in.readUnsignedShort();
                MeterId meter = MeterId.of(in.readInt());
                yield new OfpMeterMod(xid, command, flags, meter, MeterBand.readAll(in, in.readableBytes()));
            }
            case GET_ASYNC_REQUEST -> {
                exactly(in, 0);
                yield new OfpGetAsyncRequest(xid);
            }
            case GET_ASYNC_REPLY, SET_ASYNC -> {
                exactly(in, 24);
                yield new OfpAsyncConfig(xid, type == OfpType.SET_ASYNC, in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                        in.readInt(), in.readInt());
            }
            case QUEUE_GET_CONFIG_REQUEST, QUEUE_GET_CONFIG_REPLY ->
                    throw new OfpException(ErrorCode.BAD_REQUEST_BAD_TYPE, type + " is not supported");
        };
    }

    private static OfpHello decodeHello(ByteBuf in, int version, int xid) throws OfpException {
        int bitmap = 0;
        // OF 1.3.5 §7.5.1: a list of hello elements, each padded to 8 bytes; unknown ones are ignored.
        while (in.readableBytes() >= 4) {
            int type = in.readUnsignedShort();
            int len = in.readUnsignedShort();
            if (len < 4 || len - 4 > in.readableBytes()) {
                throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "hello element length " + len);
            }
            if (type == OfpHello.ELEMENT_VERSIONBITMAP && len >= 8) {
                bitmap = in.getInt(in.readerIndex());
            }
            in.skipBytes(len - 4);
            in.skipBytes(Math.min(((len + 7) & ~7) - len, in.readableBytes()));
        }
        return new OfpHello(xid, version, bitmap);
    }

    private static void need(ByteBuf in, int n) throws OfpException {
        if (in.readableBytes() < n) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "body needs at least " + n + " bytes, has " + in.readableBytes());
        }
    }

    private static void exactly(ByteBuf in, int n) throws OfpException {
        if (in.readableBytes() != n) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "body must be " + n + " bytes, is " + in.readableBytes());
        }
    }
}
