package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;

/**
 * One queue in an OFPMP_QUEUE reply, {@code struct ofp_queue_stats} (OF 1.3.5 §7.3.5.8).
 *
 * @param portNo the port
 * @param queueId the queue
 * @param txBytes bytes transmitted
 * @param txPackets packets transmitted
 * @param txErrors packets dropped by overrun
 * @param durationSec time the queue has been alive, seconds part
 * @param durationNsec time alive beyond {@code durationSec}, in nanoseconds
 */
public record QueueStats(PortNo portNo, int queueId, long txBytes, long txPackets, long txErrors, long durationSec,
                         long durationNsec) {
    /** OFPQ_ALL: all queues (OF 1.3.5 §7.2.2). */
    public static final int ALL = 0xFFFF_FFFF;
    public static final int LENGTH = 40;

    void write(ByteBuf out) {
        out.writeInt(portNo.value());
        out.writeInt(queueId);
        out.writeLong(txBytes);
        out.writeLong(txPackets);
        out.writeLong(txErrors);
        out.writeInt((int) durationSec);
        out.writeInt((int) durationNsec);
    }

    static QueueStats read(ByteBuf in) throws OfpException {
        MpRequest.need(in, LENGTH);
        return new QueueStats(PortNo.of(in.readInt()), in.readInt(), in.readLong(), in.readLong(), in.readLong(),
                in.readUnsignedInt(), in.readUnsignedInt());
    }
}
