package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.PortStats;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The switch and port registry, read side: what apps and the REST API use. */
public interface DeviceService {
    List<Device> devices();

    Optional<Device> device(DatapathId id);

    /** The ports of a device in port-number order; empty if the device is unknown. */
    List<Port> ports(DatapathId id);

    Optional<Port> port(DatapathId id, PortNo portNo);

    /** Live port counters, asked of the switch (OFPMP_PORT_STATS, OF 1.3.5 §7.3.5.6). */
    CompletableFuture<List<PortStats>> portStatistics(DatapathId id);

    void addListener(DeviceListener listener);

    void removeListener(DeviceListener listener);
}
