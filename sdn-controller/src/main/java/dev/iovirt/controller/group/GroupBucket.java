package dev.iovirt.controller.group;

import dev.iovirt.controller.flow.FlowAction;
import java.util.List;

/**
 * A bucket of a group, {@code struct ofp_bucket} (OF 1.3.5 §7.3.4.2), in the API's terms.
 *
 * @param weight the share of traffic in a select group (0 in other types)
 * @param watchPort the port whose liveness decides a fast-failover bucket, or null
 * @param actions what the bucket does, as flow actions (output, set_field, group)
 */
public record GroupBucket(int weight, String watchPort, List<FlowAction> actions) {
    public GroupBucket {
        actions = List.copyOf(actions);
    }
}
