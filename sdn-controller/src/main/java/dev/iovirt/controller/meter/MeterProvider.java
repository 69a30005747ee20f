package dev.iovirt.controller.meter;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.MeterConfig;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.MeterStats;
import dev.iovirt.openflow.OfpMeterMod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** What a southbound protocol offers the {@link MeterManager}. */
public interface MeterProvider {
    /** Sends the meter mod {@code build} makes with a fresh xid, confirmed by a barrier. */
    CompletableFuture<Void> apply(DatapathId dpid, IntFunction<OfpMeterMod> build);

    /** OFPMP_METER_CONFIG for {@code meterId} ({@link MeterId#ALL} for all). */
    CompletableFuture<List<MeterConfig>> meterConfigs(DatapathId dpid, MeterId meterId);

    /** OFPMP_METER for {@code meterId} ({@link MeterId#ALL} for all). */
    CompletableFuture<List<MeterStats>> meterStats(DatapathId dpid, MeterId meterId);
}
