package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;

/**
 * One port in an OFPMP_PORT_STATS reply, {@code struct ofp_port_stats} (OF 1.3.5 §7.3.5.6). A
 * counter the switch does not keep is all ones.
 *
 * @param portNo the port
 * @param rxPackets packets received
 * @param txPackets packets transmitted
 * @param rxBytes bytes received
 * @param txBytes bytes transmitted
 * @param rxDropped packets dropped by RX
 * @param txDropped packets dropped by TX
 * @param rxErrors receive errors (a superset of the three below)
 * @param txErrors transmit errors
 * @param rxFrameErr frame alignment errors
 * @param rxOverErr packets with RX overrun
 * @param rxCrcErr CRC errors
 * @param collisions collisions
 * @param durationSec time the port has been alive, seconds part
 * @param durationNsec time alive beyond {@code durationSec}, in nanoseconds
 */
public record PortStats(PortNo portNo, long rxPackets, long txPackets, long rxBytes, long txBytes, long rxDropped,
                        long txDropped, long rxErrors, long txErrors, long rxFrameErr, long rxOverErr, long rxCrcErr,
                        long collisions, long durationSec, long durationNsec) {
    public static final int LENGTH = 112;

    void write(ByteBuf out) {
        out.writeInt(portNo.value());
        out.writeZero(4);
        for (long v : new long[] {rxPackets, txPackets, rxBytes, txBytes, rxDropped, txDropped, rxErrors, txErrors,
                rxFrameErr, rxOverErr, rxCrcErr, collisions}) {
            out.writeLong(v);
        }
        out.writeInt((int) durationSec);
        out.writeInt((int) durationNsec);
    }

    static PortStats read(ByteBuf in) throws OfpException {
        MpRequest.need(in, LENGTH);
        PortNo p = PortNo.of(in.readInt());
        in.skipBytes(4);
        return new PortStats(p, in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readUnsignedInt(), in.readUnsignedInt());
    }
}
