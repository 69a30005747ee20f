package dev.iovirt.controller.meter;

import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.MeterConfig;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.MeterStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The owner of the meter subsystem: validates meter descriptions into METER_MODs
 * ({@link MeterRules}) before anything is sent, applies them through the provider, and joins the
 * switch's meter configs with their counters.
 */
public final class MeterManager implements MeterService {
    private final DeviceService devices;
    private volatile MeterProvider provider;

    public MeterManager(DeviceService devices) {
        this.devices = devices;
    }

    public void setProvider(MeterProvider provider) {
        this.provider = provider;
    }

    @Override
    public CompletableFuture<List<MeterEntry>> meters(DatapathId dpid) {
        requireDevice(dpid);
        return read(dpid, MeterId.ALL);
    }

    @Override
    public CompletableFuture<Optional<MeterEntry>> meter(DatapathId dpid, long meterId) {
        requireDevice(dpid);
        MeterId id = MeterRules.meterId(meterId);
        return read(dpid, id).thenApply(all -> all.stream().filter(e -> e.rule().meterId() == meterId).findFirst());
    }

    private CompletableFuture<List<MeterEntry>> read(DatapathId dpid, MeterId id) {
        CompletableFuture<List<MeterConfig>> configs = provider.meterConfigs(dpid, id);
        CompletableFuture<List<MeterStats>> stats = provider.meterStats(dpid, id);
        return configs.thenCombine(stats, (cs, ss) -> {
            Map<Integer, MeterStats> byId = new HashMap<>();
            ss.forEach(s -> byId.put(s.meterId().value(), s));
            List<MeterEntry> out = new ArrayList<>();
            for (MeterConfig c : cs) {
                out.add(MeterRules.fromReply(c, byId.get(c.meterId().value())));
            }
            out.sort((a, b) -> Long.compare(a.rule().meterId(), b.rule().meterId()));
            return out;
        });
    }

    @Override
    public CompletableFuture<Void> add(DatapathId dpid, MeterRule rule) {
        requireDevice(dpid);
        MeterRules.toAdd(rule, 0); // refuses a bad description before anything is sent
        return provider.apply(dpid, xid -> MeterRules.toAdd(rule, xid));
    }

    @Override
    public CompletableFuture<Void> remove(DatapathId dpid, long meterId) {
        requireDevice(dpid);
        MeterRules.toDelete(meterId, 0);
        // A switch deletes an unknown meter silently (OVS does); ask first, so that the caller learns it was not there.
        return meter(dpid, meterId).thenCompose(m -> {
            if (m.isEmpty()) {
                return CompletableFuture.failedFuture(new UnknownMeterException(dpid, meterId));
            }
            return provider.apply(dpid, xid -> MeterRules.toDelete(meterId, xid));
        });
    }

    private void requireDevice(DatapathId dpid) {
        if (devices.device(dpid).isEmpty()) {
            throw new UnknownDeviceException(dpid);
        }
    }
}
