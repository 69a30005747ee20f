package dev.iovirt.controller.flow;

/** Told of every {@link FlowEvent}. */
@FunctionalInterface
public interface FlowListener {
    void event(FlowEvent event);
}
