package dev.iovirt.controller.meter;

import dev.iovirt.openflow.DatapathId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Meter tables of the switches; changes are confirmed by a barrier, as flows and groups are. */
public interface MeterService {
    /** The switch's meters with their counters, asked of it (OFPMP_METER_CONFIG and OFPMP_METER). */
    CompletableFuture<List<MeterEntry>> meters(DatapathId dpid);

    /** One meter of the switch, or empty if it has none with that id. */
    CompletableFuture<Optional<MeterEntry>> meter(DatapathId dpid, long meterId);

    CompletableFuture<Void> add(DatapathId dpid, MeterRule rule);

    /** Deletes the meter (and, on the switch, the flows that use it); fails with {@link UnknownMeterException} if there is none. */
    CompletableFuture<Void> remove(DatapathId dpid, long meterId);
}
