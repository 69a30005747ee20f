package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Devices and their ports, in memory. Each mutation returns the event it amounts to (or null when
 * nothing changed), so the {@link DeviceManager} emits exactly the changes.
 */
public final class DeviceStore {
    private record Entry(Device device, Map<Integer, Port> ports) {
    }

    private final Map<DatapathId, Entry> devices = new ConcurrentHashMap<>();

    DeviceEvent add(Device device, List<Port> ports) {
        Map<Integer, Port> byNo = new ConcurrentSkipListMap<>(Integer::compareUnsigned);
        for (Port p : ports) {
            byNo.put(p.portNo().value(), p);
        }
        devices.put(device.id(), new Entry(device, byNo));
        return new DeviceEvent(DeviceEvent.Type.DEVICE_ADDED, device, null);
    }

    DeviceEvent remove(DatapathId id) {
        Entry e = devices.remove(id);
        return e == null ? null : new DeviceEvent(DeviceEvent.Type.DEVICE_REMOVED, e.device, null);
    }

    DeviceEvent updatePort(DatapathId id, Port port, boolean deleted) {
        Entry e = devices.get(id);
        if (e == null) {
            return null;
        }
        int no = port.portNo().value();
        if (deleted) {
            return e.ports.remove(no) == null ? null : new DeviceEvent(DeviceEvent.Type.PORT_REMOVED, e.device, port);
        }
        Port old = e.ports.put(no, port);
        if (old == null) {
            return new DeviceEvent(DeviceEvent.Type.PORT_ADDED, e.device, port);
        }
        return old.equals(port) ? null : new DeviceEvent(DeviceEvent.Type.PORT_UPDATED, e.device, port);
    }

    public List<Device> devices() {
        List<Device> all = new ArrayList<>();
        for (Entry e : devices.values()) {
            all.add(e.device);
        }
        all.sort(Comparator.comparing(d -> d.id().value(), Long::compareUnsigned));
        return all;
    }

    public Optional<Device> device(DatapathId id) {
        Entry e = devices.get(id);
        return e == null ? Optional.empty() : Optional.of(e.device);
    }

    public List<Port> ports(DatapathId id) {
        Entry e = devices.get(id);
        return e == null ? List.of() : List.copyOf(e.ports.values());
    }

    public Optional<Port> port(DatapathId id, PortNo no) {
        Entry e = devices.get(id);
        return e == null ? Optional.empty() : Optional.ofNullable(e.ports.get(no.value()));
    }
}
