package dev.iovirt.controller.topology;

/** Told of every {@link LinkEvent}. */
@FunctionalInterface
public interface LinkListener {
    void event(LinkEvent event);
}
