package dev.iovirt.controller.device;

/** Told of every {@link DeviceEvent}, on the thread that made the change (a switch's event loop). */
@FunctionalInterface
public interface DeviceListener {
    void event(DeviceEvent event);
}
