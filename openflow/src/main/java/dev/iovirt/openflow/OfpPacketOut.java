package dev.iovirt.openflow;

import java.util.Arrays;
import java.util.List;

/**
 * OFPT_PACKET_OUT (OF 1.3.5 §7.3.7): the controller sends a packet out through the switch.
 *
 * <p>On the packet path the frame is not copied: {@code data} is the array the decoder filled (or
 * the caller passed), owned by the message from then on. Nobody may modify it.
 *
 * @param xid the transaction id
 * @param bufferId the switch's buffer holding the packet, or {@link BufferId#NO_BUFFER} when {@code data} carries it
 * @param inPort the port the packet is deemed to have arrived on ({@link PortNo#CONTROLLER} if none)
 * @param actions what to do with the packet
 * @param data the frame when not buffered
 */
public record OfpPacketOut(int xid, BufferId bufferId, PortNo inPort, List<Action> actions, byte[] data) implements OfpMessage {
    public OfpPacketOut {
        actions = List.copyOf(actions);
    }

    /** An unbuffered packet-out of {@code frame}. */
    public static OfpPacketOut of(int xid, PortNo inPort, byte[] frame, Action... actions) {
        return new OfpPacketOut(xid, BufferId.NO_BUFFER, inPort, List.of(actions), frame);
    }

    @Override
    public OfpType type() {
        return OfpType.PACKET_OUT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfpPacketOut p && p.xid == xid && p.bufferId.equals(bufferId) && p.inPort.equals(inPort)
                && p.actions.equals(actions) && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return (xid * 31 + actions.hashCode()) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OFPT_PACKET_OUT (xid=0x" + Integer.toHexString(xid) + "): in_port=" + inPort + " actions="
                + Action.toString(actions) + " buffer=" + bufferId + " data_len=" + data.length;
    }
}
