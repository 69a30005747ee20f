package dev.iovirt.controller.host;

import dev.iovirt.packet.MacAddress;
import java.util.List;
import java.util.Optional;

/** The hosts the controller has seen, read side. */
public interface HostService {
    List<Host> hosts();

    Optional<Host> host(MacAddress mac);

    void addListener(HostListener listener);

    void removeListener(HostListener listener);
}
