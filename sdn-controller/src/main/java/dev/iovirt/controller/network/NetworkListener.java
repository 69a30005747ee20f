package dev.iovirt.controller.network;

/** Told of every change of the networks, after the change. */
public interface NetworkListener {
    void event(NetworkEvent event);
}
