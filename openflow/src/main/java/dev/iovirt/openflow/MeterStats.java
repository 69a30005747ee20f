package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * One meter in an OFPMP_METER reply, {@code struct ofp_meter_stats} (OF 1.3.5 §7.3.5.12).
 *
 * @param meterId the meter
 * @param flowCount flows bound to the meter
 * @param packetInCount packets into the meter
 * @param byteInCount bytes into the meter
 * @param durationSec time the meter has been alive, seconds part
 * @param durationNsec time alive beyond {@code durationSec}, in nanoseconds
 * @param bandCounters per band, packets then bytes: {@code [p0, b0, p1, b1, ...]}
 */
public record MeterStats(MeterId meterId, long flowCount, long packetInCount, long byteInCount, long durationSec,
                         long durationNsec, long[] bandCounters) {
    public MeterStats {
        if (bandCounters.length % 2 != 0) {
            throw new IllegalArgumentException("band counters come in (packets, bytes) pairs");
        }
        bandCounters = bandCounters.clone();
    }

    public int length() {
        return 40 + 8 * bandCounters.length;
    }

    void write(ByteBuf out) {
        out.writeInt(meterId.value());
        out.writeShort(length());
        out.writeZero(6);
        out.writeInt((int) flowCount);
        out.writeLong(packetInCount);
        out.writeLong(byteInCount);
        out.writeInt((int) durationSec);
        out.writeInt((int) durationNsec);
        for (long v : bandCounters) {
            out.writeLong(v);
        }
    }

    static MeterStats read(ByteBuf in) throws OfpException {
        MpRequest.need(in, 40);
        MeterId m = MeterId.of(in.readInt());
        int len = in.readUnsignedShort();
        if (len < 40 || (len - 40) % 16 != 0 || len > in.readableBytes() + 6) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "meter stats length " + len);
        }
        in.skipBytes(6);
        long flows = in.readUnsignedInt();
        long p = in.readLong();
        long b = in.readLong();
        long s = in.readUnsignedInt();
        long ns = in.readUnsignedInt();
        long[] counters = new long[(len - 40) / 8];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = in.readLong();
        }
        return new MeterStats(m, flows, p, b, s, ns, counters);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeterStats g && g.meterId.equals(meterId) && g.flowCount == flowCount && g.packetInCount == packetInCount
                && g.byteInCount == byteInCount && g.durationSec == durationSec && g.durationNsec == durationNsec
                && Arrays.equals(g.bandCounters, bandCounters);
    }

    @Override
    public int hashCode() {
        return meterId.hashCode() * 31 + Arrays.hashCode(bandCounters);
    }

    @Override
    public String toString() {
        return "meter=" + meterId + " flow_count=" + flowCount + " packet_in_count=" + packetInCount + " byte_in_count="
                + byteInCount + " bands=" + Arrays.toString(bandCounters);
    }
}
