package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Port;
import java.util.List;

/** How a {@link DeviceProvider} reports to the {@link DeviceManager}. */
public interface DeviceProviderService {
    void deviceConnected(Device device, List<Port> ports);

    /** A PORT_STATUS with its {@code OFPPR_*} reason (OF 1.3.5 §7.4.3). */
    void portStatusChanged(DatapathId id, int reason, Port port);

    void deviceDisconnected(DatapathId id);
}
