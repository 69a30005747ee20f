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

    /**
     * Every shortest path (equal-cost multipath, ECMP) from {@code src} to {@code dst}, each as its links: all paths with
     * the fewest hops, in a fixed order (by their links' text, first hop first). One empty path if src equals dst; no
     * paths if dst cannot be reached. Parallel links between the same two switches make distinct paths.
     */
    List<List<Link>> paths(DatapathId src, DatapathId dst);

    void addListener(LinkListener listener);

    void removeListener(LinkListener listener);
}
