package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceListener;
import dev.iovirt.controller.flow.FlowEvent;
import dev.iovirt.controller.flow.FlowListener;
import dev.iovirt.controller.host.HostEvent;
import dev.iovirt.controller.host.HostListener;
import dev.iovirt.controller.topology.LinkEvent;
import dev.iovirt.controller.topology.LinkListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * /events: Server-Sent Events (WHATWG HTML §9.2) of every subsystem's changes. Each event has a
 * name ({@code switch}, {@code port}, {@code flow}, {@code host}, {@code link}), an increasing id
 * and one JSON data line whose {@code type} is the subsystem event type.
 *
 * <pre>subsystem event (any thread) ─▶ EventStream ─runOnContext─▶ each subscriber's response</pre>
 */
final class EventStream implements DeviceListener, FlowListener, HostListener, LinkListener {
    private record Subscriber(Context context, HttpServerResponse response) {
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    void subscribe(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        response.setChunked(true);
        response.putHeader("Content-Type", "text/event-stream");
        response.putHeader("Cache-Control", "no-cache");
        Subscriber s = new Subscriber(Vertx.currentContext(), response);
        subscribers.add(s);
        response.closeHandler(v -> subscribers.remove(s));
        response.exceptionHandler(e -> subscribers.remove(s));
        // A comment line sends the headers now, so the client knows it is subscribed.
        response.write(": subscribed\n\n");
    }

    int subscriberCount() {
        return subscribers.size();
    }

    void closeAll() {
        for (Subscriber s : subscribers) {
            s.context.runOnContext(v -> s.response.end());
        }
        subscribers.clear();
    }

    private void publish(String name, JsonNode data) {
        if (subscribers.isEmpty()) {
            return;
        }
        String frame = "id: " + ids.incrementAndGet() + "\nevent: " + name + "\ndata: " + data + "\n\n";
        for (Subscriber s : subscribers) {
            s.context.runOnContext(v -> {
                if (!s.response.ended() && !s.response.closed()) {
                    s.response.write(frame);
                }
            });
        }
    }

    @Override
    public void event(DeviceEvent e) {
        publish(e.port() == null ? "switch" : "port", JsonCodecs.event(e));
    }

    @Override
    public void event(FlowEvent e) {
        publish("flow", JsonCodecs.event(e));
    }

    @Override
    public void event(HostEvent e) {
        publish("host", JsonCodecs.event(e));
    }

    @Override
    public void event(LinkEvent e) {
        publish("link", JsonCodecs.event(e));
    }
}
