package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One flow entry in an OFPMP_FLOW reply, {@code struct ofp_flow_stats} (OF 1.3.5 §7.3.5.2).
 *
 * @param tableId the entry's table
 * @param durationSec time the entry has been alive, seconds part
 * @param durationNsec time alive beyond {@code durationSec}, in nanoseconds
 * @param priority the entry's priority
 * @param idleTimeout the entry's idle timeout
 * @param hardTimeout the entry's hard timeout
 * @param flags the entry's OFPFF_* flags
 * @param cookie the entry's cookie
 * @param packetCount packets matched
 * @param byteCount bytes matched
 * @param match the entry's match
 * @param instructions the entry's instructions
 */
public record FlowStats(TableId tableId, long durationSec, long durationNsec, int priority, int idleTimeout,
                        int hardTimeout, int flags, long cookie, long packetCount, long byteCount, Match match,
                        List<Instruction> instructions) {
    public FlowStats {
        instructions = List.copyOf(instructions);
    }

    public int length() {
        return 48 + match.paddedLength() + Instruction.length(instructions);
    }

    void write(ByteBuf out) {
        out.writeShort(length());
        out.writeByte(tableId.value());
        out.writeZero(1);
        out.writeInt((int) durationSec);
        out.writeInt((int) durationNsec);
        out.writeShort(priority);
        out.writeShort(idleTimeout);
        out.writeShort(hardTimeout);
        out.writeShort(flags);
        out.writeZero(4);
        out.writeLong(cookie);
        out.writeLong(packetCount);
        out.writeLong(byteCount);
        match.write(out);
        Instruction.writeAll(out, instructions);
    }

    static FlowStats read(ByteBuf in) throws OfpException {
        MpRequest.need(in, 56);
        int start = in.readerIndex();
        int len = in.readUnsignedShort();
        if (len < 56 || len > in.readableBytes() + 2) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "flow stats length " + len);
        }
        TableId table = TableId.of(in.readUnsignedByte());
        in.skipBytes(1);
        long sec = in.readUnsignedInt();
        long nsec = in.readUnsignedInt();
        int priority = in.readUnsignedShort();
        int idle = in.readUnsignedShort();
        int hard = in.readUnsignedShort();
        int flags = in.readUnsignedShort();
        in.skipBytes(4);
        long cookie = in.readLong();
        long packets = in.readLong();
        long bytes = in.readLong();
        ByteBuf rest = in.readSlice(start + len - in.readerIndex());
        Match match = Match.read(rest);
        List<Instruction> instructions = Instruction.readAll(rest, rest.readableBytes());
        return new FlowStats(table, sec, nsec, priority, idle, hard, flags, cookie, packets, bytes, match, instructions);
    }

    @Override
    public String toString() {
        return "cookie=0x" + Long.toHexString(cookie) + ", duration=" + durationSec + "s, table=" + tableId
                + ", n_packets=" + packetCount + ", n_bytes=" + byteCount + ", priority=" + priority
                + (match.isEmpty() ? "" : "," + match) + " actions=" + Instruction.toString(instructions);
    }
}
