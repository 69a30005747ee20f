package dev.iovirt.controller.openflow;

import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.controller.group.GroupProvider;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.GroupDesc;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.GroupStats;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpGroupMod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** The group provider over OpenFlow: GROUP_MOD + BARRIER, OFPMP_GROUP_DESC and OFPMP_GROUP. */
public final class OpenFlowGroupProvider implements GroupProvider {
    private final OpenFlowController controller;

    public OpenFlowGroupProvider(OpenFlowController controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<Void> apply(DatapathId dpid, IntFunction<OfpGroupMod> build) {
        return controller.getSwitch(dpid).map(sw -> sw.sendWithBarrier(build::apply))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }

    @Override
    public CompletableFuture<List<GroupStats>> groupStats(DatapathId dpid) {
        return controller.getSwitch(dpid)
                .map(sw -> sw.multipart(new MpRequest.Group(GroupId.ALL)).thenApply(b -> ((MpReply.Groups) b).entries()))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }

    @Override
    public CompletableFuture<List<GroupDesc>> groupDescs(DatapathId dpid) {
        return controller.getSwitch(dpid)
                .map(sw -> sw.multipart(new MpRequest.GroupDesc()).thenApply(b -> ((MpReply.GroupDescs) b).entries()))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnknownDeviceException(dpid)));
    }
}
