package dev.iovirt.controller.openflow;

import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.controller.meter.MeterProvider;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.MeterConfig;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.MeterStats;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpMeterMod;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.ErrorType;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** The meter provider over OpenFlow: METER_MOD + BARRIER, OFPMP_METER_CONFIG and OFPMP_METER. */
public final class OpenFlowMeterProvider implements MeterProvider {
    private final OpenFlowController controller;

    public OpenFlowMeterProvider(OpenFlowController controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<Void> apply(DatapathId dpid, IntFunction<OfpMeterMod> build) {
        return controller.getSwitch(dpid).map(sw -> sw.sendWithBarrier(build::apply))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }

    @Override
    public CompletableFuture<List<MeterConfig>> meterConfigs(DatapathId dpid, MeterId meterId) {
        return controller.getSwitch(dpid)
                .map(sw -> noSuchMeterIsNone(sw.multipart(new MpRequest.MeterConfig(meterId))
                        .thenApply(b -> ((MpReply.MeterConfigs) b).entries())))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }

    @Override
    public CompletableFuture<List<MeterStats>> meterStats(DatapathId dpid, MeterId meterId) {
        return controller.getSwitch(dpid)
                .map(sw -> noSuchMeterIsNone(sw.multipart(new MpRequest.Meter(meterId)).thenApply(b -> ((MpReply.Meters) b).entries())))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }

    /**
     * Open vSwitch answers a meter multipart request for a meter it does not have with
     * OFPET_METER_MOD_FAILED / OFPMMFC_UNKNOWN_METER rather than an empty reply; both mean "none".
     */
    private static <T> CompletableFuture<List<T>> noSuchMeterIsNone(CompletableFuture<List<T>> reply) {
        return reply.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof OpenFlowErrorException o && o.error().errorType() == ErrorType.METER_MOD_FAILED.code()
                    && o.error().code() == ErrorCode.METER_MOD_FAILED_UNKNOWN_METER.code()) {
                return CompletableFuture.completedFuture(List.of());
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
