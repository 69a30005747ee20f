package dev.iovirt.controller.group;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.GroupDesc;
import dev.iovirt.openflow.GroupStats;
import dev.iovirt.openflow.OfpGroupMod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** What a southbound protocol offers the {@link GroupManager}. */
public interface GroupProvider {
    /** Sends the group mod {@code build} makes with a fresh xid, confirmed by a barrier. */
    CompletableFuture<Void> apply(DatapathId dpid, IntFunction<OfpGroupMod> build);

    CompletableFuture<List<GroupDesc>> groupDescs(DatapathId dpid);

    /** OFPMP_GROUP for every group of the switch. */
    CompletableFuture<List<GroupStats>> groupStats(DatapathId dpid);
}
