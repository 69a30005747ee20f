package dev.iovirt.controller.group;

import dev.iovirt.openflow.DatapathId;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Group tables of the switches; changes are confirmed by a barrier, as flows are. */
public interface GroupService {
    /** The switch's groups, asked of it (OFPMP_GROUP_DESC). */
    CompletableFuture<List<GroupRule>> groups(DatapathId dpid);

    CompletableFuture<Void> add(DatapathId dpid, GroupRule rule);

    CompletableFuture<Void> remove(DatapathId dpid, long groupId);
}
