package dev.iovirt.controller.group;

import dev.iovirt.controller.device.DeviceService;
import dev.iovirt.controller.device.UnknownDeviceException;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.GroupStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The owner of the group subsystem: validates group descriptions into GROUP_MODs
 * ({@link GroupRules}) before anything is sent, and applies them through the provider.
 */
public final class GroupManager implements GroupService {
    private final DeviceService devices;
    private volatile GroupProvider provider;

    public GroupManager(DeviceService devices) {
        this.devices = devices;
    }

    public void setProvider(GroupProvider provider) {
        this.provider = provider;
    }

    @Override
    public CompletableFuture<List<GroupRule>> groups(DatapathId dpid) {
        requireDevice(dpid);
        return provider.groupDescs(dpid).thenApply(ds -> ds.stream().map(GroupRules::fromDesc).toList());
    }

    @Override
    public CompletableFuture<Void> add(DatapathId dpid, GroupRule rule) {
        requireDevice(dpid);
        GroupRules.toAdd(rule, 0); // refuses a bad description before anything is sent
        return provider.apply(dpid, xid -> GroupRules.toAdd(rule, xid));
    }

    @Override
    public CompletableFuture<Void> modify(DatapathId dpid, GroupRule rule) {
        requireDevice(dpid);
        GroupRules.toModify(rule, 0);
        return provider.apply(dpid, xid -> GroupRules.toModify(rule, xid));
    }

    @Override
    public CompletableFuture<List<GroupStats>> groupStats(DatapathId dpid) {
        requireDevice(dpid);
        return provider.groupStats(dpid);
    }

    @Override
    public CompletableFuture<Void> remove(DatapathId dpid, long groupId) {
        requireDevice(dpid);
        GroupRules.toDelete(groupId, 0);
        return provider.apply(dpid, xid -> GroupRules.toDelete(groupId, xid));
    }

    private void requireDevice(DatapathId dpid) {
        if (devices.device(dpid).isEmpty()) {
            throw new UnknownDeviceException(dpid);
        }
    }
}
