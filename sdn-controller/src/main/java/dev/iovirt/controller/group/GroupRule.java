package dev.iovirt.controller.group;

import java.util.List;

/**
 * A group entry as the API describes it (OF 1.3.5 §5.6).
 *
 * @param groupId the group id, 0..0xffffff00
 * @param type {@code all}, {@code select}, {@code indirect} or {@code ff} (fast failover)
 * @param buckets the buckets
 */
public record GroupRule(long groupId, String type, List<GroupBucket> buckets) {
    public GroupRule {
        buckets = List.copyOf(buckets);
    }
}
