package dev.iovirt.controller.topology;

import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.group.GroupBucket;
import dev.iovirt.controller.group.GroupRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an ECMP set ({@link TopologyService#paths}) into a SELECT group for the source switch. */
public final class EcmpGroups {
    private EcmpGroups() {
    }

    /**
     * A {@code select} group with one bucket per distinct first hop (the port the path leaves the source switch by),
     * {@code output:<port>}, weighted by how many of the paths start with it, in the paths' order. The group is for
     * the source switch of the paths; install it with the {@code GroupService} and point a flow at it.
     *
     * @throws IllegalArgumentException without paths, or with an empty path (source equals destination)
     */
    public static GroupRule select(long groupId, List<List<Link>> paths) {
        Map<Long, Integer> weights = new LinkedHashMap<>();
        for (List<Link> p : paths) {
            if (p.isEmpty()) {
                throw new IllegalArgumentException("an empty path has no first hop");
            }
            weights.merge(Integer.toUnsignedLong(p.get(0).src().port().value()), 1, Integer::sum);
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no paths");
        }
        List<GroupBucket> buckets = new ArrayList<>();
        weights.forEach((port, w) -> buckets.add(new GroupBucket(w, null, List.of(FlowAction.output(Long.toString(port))))));
        return new GroupRule(groupId, "select", buckets);
    }
}
