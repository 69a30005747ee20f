package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.PortStats;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The owner of the device subsystem: providers report into it ({@link DeviceProviderService}), it
 * updates the {@link DeviceStore} and tells every {@link DeviceListener} what changed; apps and the
 * REST API read through {@link DeviceService}.
 *
 * <pre>
 * switch ─PORT_STATUS─▶ SwitchConnection ─▶ OpenFlowDeviceProvider ─▶ DeviceManager ─▶ DeviceStore
 *                                                                          └─DeviceEvent─▶ listeners (apps, SSE)
 * </pre>
 */
public final class DeviceManager implements DeviceService, DeviceProviderService {
    private static final Logger LOG = Logger.getLogger(DeviceManager.class.getName());

    private final DeviceStore store = new DeviceStore();
    private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();
    private volatile DeviceProvider provider;

    /** Attaches the southbound provider the queries go to. */
    public void setProvider(DeviceProvider provider) {
        this.provider = provider;
    }

    // ---------------------------------------------------------------- provider side

    @Override
    public void deviceConnected(Device device, List<Port> ports) {
        post(store.add(device, ports));
    }

    @Override
    public void portStatusChanged(DatapathId id, int reason, Port port) {
        post(store.updatePort(id, port, reason == OfpPortStatus.REASON_DELETE));
    }

    @Override
    public void deviceDisconnected(DatapathId id) {
        post(store.remove(id));
    }

    private void post(DeviceEvent event) {
        if (event == null) {
            return;
        }
        for (DeviceListener l : listeners) {
            try {
                l.event(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "device listener failed on " + event.type(), e);
            }
        }
    }

    // ---------------------------------------------------------------- service side

    @Override
    public List<Device> devices() {
        return store.devices();
    }

    @Override
    public Optional<Device> device(DatapathId id) {
        return store.device(id);
    }

    @Override
    public List<Port> ports(DatapathId id) {
        return store.ports(id);
    }

    @Override
    public Optional<Port> port(DatapathId id, PortNo portNo) {
        return store.port(id, portNo);
    }

    @Override
    public CompletableFuture<List<PortStats>> portStatistics(DatapathId id) {
        DeviceProvider p = provider;
        if (p == null || store.device(id).isEmpty()) {
            return CompletableFuture.failedFuture(new UnknownDeviceException(id));
        }
        return p.portStatistics(id);
    }

    @Override
    public void addListener(DeviceListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(DeviceListener listener) {
        listeners.remove(listener);
    }
}
