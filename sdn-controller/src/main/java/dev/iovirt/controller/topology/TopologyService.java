package dev.iovirt.controller.topology;

import dev.iovirt.openflow.DatapathId;
import java.util.List;
import java.util.Optional;

/** Switch-to-switch links and paths over them. */
public interface TopologyService {
    List<Link> links();

    /** True if (dpid, port) is one end of a known link (not a host-facing edge port). */
    boolean isInfrastructure(DatapathId dpid, int port);

    /** A shortest path (fewest hops) from {@code src} to {@code dst} as its links; empty list if src equals dst. */
    Optional<List<Link>> path(DatapathId src, DatapathId dst);

    void addListener(LinkListener listener);

    void removeListener(LinkListener listener);
}
