package dev.iovirt.openflow;

import java.util.Arrays;

/**
 * OFPT_PACKET_IN (OF 1.3.5 §7.4.1): a packet the switch sends to the controller, with the pipeline
 * fields (in_port, metadata, tunnel_id, ...) in {@code match}.
 *
 * <p>On the packet path the frame is not copied: {@code data} is the array the decoder filled (or
 * the caller passed), owned by the message from then on. Nobody may modify it.
 *
 * @param xid the transaction id (0 unless the switch sets one)
 * @param bufferId where the switch buffered the packet, or {@link BufferId#NO_BUFFER}
 * @param totalLen the full length of the frame, which {@code data} may cut short
 * @param reason {@code REASON_*}
 * @param tableId the table the packet was in
 * @param cookie the cookie of the flow entry that sent the packet
 * @param match the pipeline fields of the packet
 * @param data the frame, or its first bytes
 */
public record OfpPacketIn(int xid, BufferId bufferId, int totalLen, int reason, TableId tableId, long cookie,
                          Match match, byte[] data) implements OfpMessage {
    // OF 1.3.5 §7.4.1, enum ofp_packet_in_reason.
    /** OFPR_NO_MATCH: no matching flow (table-miss flow entry). */
    public static final int REASON_NO_MATCH = 0;
    /** OFPR_ACTION: action explicitly output to controller. */
    public static final int REASON_ACTION = 1;
    /** OFPR_INVALID_TTL: packet has invalid TTL. */
    public static final int REASON_INVALID_TTL = 2;

    /** An unbuffered packet-in carrying the whole of {@code frame}. */
    public static OfpPacketIn of(int xid, int reason, TableId tableId, long cookie, Match match, byte[] frame) {
        return new OfpPacketIn(xid, BufferId.NO_BUFFER, frame.length, reason, tableId, cookie, match, frame);
    }

    /** The in_port of the match, or {@link PortNo#ANY} if it has none. */
    public PortNo inPort() {
        Oxm o = match.get(OxmField.IN_PORT);
        return o == null ? PortNo.ANY : PortNo.of((int) o.value());
    }

    @Override
    public OfpType type() {
        return OfpType.PACKET_IN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfpPacketIn p && p.xid == xid && p.bufferId.equals(bufferId) && p.totalLen == totalLen
                && p.reason == reason && p.tableId.equals(tableId) && p.cookie == cookie && p.match.equals(match)
                && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return ((xid * 31 + match.hashCode()) * 31 + Long.hashCode(cookie)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OFPT_PACKET_IN (xid=0x" + Integer.toHexString(xid) + "): table_id=" + tableId + " cookie=0x"
                + Long.toHexString(cookie) + " total_len=" + totalLen + " " + match + " (via "
                + switch (reason) {
                    case REASON_NO_MATCH -> "no_match";
                    case REASON_ACTION -> "action";
                    case REASON_INVALID_TTL -> "invalid_ttl";
                    default -> Integer.toString(reason);
                } + ") data_len=" + data.length + " buffer=" + bufferId;
    }
}
