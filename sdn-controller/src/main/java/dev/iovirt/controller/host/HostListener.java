package dev.iovirt.controller.host;

/** Told of every {@link HostEvent}. */
@FunctionalInterface
public interface HostListener {
    void event(HostEvent event);
}
