package dev.iovirt.controller.openflow;

import dev.iovirt.controller.device.Device;
import dev.iovirt.controller.device.DeviceProvider;
import dev.iovirt.controller.device.DeviceProviderService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.PortStats;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The device provider over OpenFlow: switch life-cycle from the channel into the device registry. */
public final class OpenFlowDeviceProvider implements DeviceProvider, SwitchListener {
    private final OpenFlowController controller;
    private final DeviceProviderService service;

    public OpenFlowDeviceProvider(OpenFlowController controller, DeviceProviderService service) {
        this.controller = controller;
        this.service = service;
        controller.addSwitchListener(this);
    }

    @Override
    public void switchConnected(OpenFlowSwitch sw, List<Port> ports) {
        OfpFeaturesReply f = sw.features();
        service.deviceConnected(new Device(sw.dpid(), address(sw.remoteAddress()), f.nTables(), f.nBuffers(),
                f.capabilities(), Instant.now()), ports);
    }

    @Override
    public void portStatus(OpenFlowSwitch sw, OfpPortStatus status) {
        service.portStatusChanged(sw.dpid(), status.reason(), status.port());
    }

    @Override
    public void switchDisconnected(OpenFlowSwitch sw) {
        service.deviceDisconnected(sw.dpid());
    }

    @Override
    public CompletableFuture<List<PortStats>> portStatistics(DatapathId id) {
        return controller.getSwitch(id)
                .map(sw -> sw.multipart(new MpRequest.PortStats(PortNo.ANY)).thenApply(b -> ((MpReply.Ports) b).entries()))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(id)));
    }

    static String address(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() + ":" + i.getPort() : String.valueOf(a);
    }
}
