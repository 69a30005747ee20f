package dev.iovirt.controller.group;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.GroupStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Group tables of the switches; changes are confirmed by a barrier, as flows are. */
public interface GroupService {
    /** The switch's groups, asked of it (OFPMP_GROUP_DESC). */
    CompletableFuture<List<GroupRule>> groups(DatapathId dpid);

    CompletableFuture<Void> add(DatapathId dpid, GroupRule rule);

    /** Replaces an existing group's type and buckets (OFPGC_MODIFY); the flows that use it stay. */
    CompletableFuture<Void> modify(DatapathId dpid, GroupRule rule);

    /** The switch's group counters, asked of it (OFPMP_GROUP, OF 1.3.5 §7.3.5.9), with per-bucket counters. */
    CompletableFuture<List<GroupStats>> groupStats(DatapathId dpid);

    CompletableFuture<Void> remove(DatapathId dpid, long groupId);
}
