package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.MeterBand;
import dev.iovirt.vswitch.datapath.DpMeter;
import java.util.List;

/** One meter table entry (OF 1.3.5 §5.7): its configuration and the datapath meter that enforces it. */
final class MeterEntry {
    final int id;
    final int flags;
    final List<MeterBand> bands;
    final DpMeter dp;
    final long createdNanos;

    MeterEntry(int id, int flags, List<MeterBand> bands, DpMeter dp, long createdNanos) {
        this.id = id;
        this.flags = flags;
        this.bands = List.copyOf(bands);
        this.dp = dp;
        this.createdNanos = createdNanos;
    }
}
