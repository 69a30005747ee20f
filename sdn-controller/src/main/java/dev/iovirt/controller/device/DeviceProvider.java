package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a southbound protocol (here OpenFlow) offers the {@link DeviceManager}: it reports devices
 * through {@link DeviceProviderService} and answers the manager's queries.
 */
public interface DeviceProvider {
    CompletableFuture<List<PortStats>> portStatistics(DatapathId id);
}
