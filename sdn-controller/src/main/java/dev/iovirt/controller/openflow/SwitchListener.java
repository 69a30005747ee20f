package dev.iovirt.controller.openflow;

import dev.iovirt.openflow.OfpFlowRemoved;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.Port;
import java.util.List;

/**
 * What the OpenFlow layer reports upward (to the {@code DeviceManager}, through the device provider):
 * a switch finished its handshake, changed a port, removed a flow, or went away. Called on the
 * switch's event loop.
 */
public interface SwitchListener {
    void switchConnected(OpenFlowSwitch sw, List<Port> ports);

    void portStatus(OpenFlowSwitch sw, OfpPortStatus status);

    void switchDisconnected(OpenFlowSwitch sw);

    default void flowRemoved(OpenFlowSwitch sw, OfpFlowRemoved removed) {
    }
}
