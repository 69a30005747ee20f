package dev.iovirt.controller.meter;

import java.util.List;

/**
 * A meter as the switch reports it: its configuration (OFPMP_METER_CONFIG) and its counters
 * (OFPMP_METER), OF 1.3.5 §7.3.5.12–13.
 *
 * @param rule the meter's configuration
 * @param flowCount the flows that use the meter
 * @param packetInCount the packets that went through the meter
 * @param byteInCount the bytes that went through the meter
 * @param durationSec how long the meter has existed, in seconds
 * @param bandPacketCounts per band, the packets it applied to, in band order
 * @param bandByteCounts per band, the bytes it applied to, in band order
 */
public record MeterEntry(MeterRule rule, long flowCount, long packetInCount, long byteInCount, long durationSec,
                         List<Long> bandPacketCounts, List<Long> bandByteCounts) {
    public MeterEntry {
        bandPacketCounts = List.copyOf(bandPacketCounts);
        bandByteCounts = List.copyOf(bandByteCounts);
    }
}
