package dev.iovirt.controller.group;

import dev.iovirt.controller.flow.FlowRuleException;
import dev.iovirt.controller.flow.FlowRules;
import dev.iovirt.openflow.Bucket;
import dev.iovirt.openflow.GroupDesc;
import dev.iovirt.openflow.GroupId;
import dev.iovirt.openflow.GroupModCommand;
import dev.iovirt.openflow.GroupType;
import dev.iovirt.openflow.OfpGroupMod;
import dev.iovirt.openflow.PortNo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The codec between {@link GroupRule} and OFPT_GROUP_MOD / OFPMP_GROUP_DESC (OF 1.3.5 §7.3.4.2, §7.3.5.10). */
public final class GroupRules {
    private GroupRules() {
    }

    /** An OFPGC_ADD for {@code rule}; refusals name the field. */
    public static OfpGroupMod toAdd(GroupRule rule, int xid) {
        return toMod(GroupModCommand.ADD, rule, xid);
    }

    /** An OFPGC_MODIFY for {@code rule}: the group's type and buckets replaced, the flows that use it kept (OF 1.3.5 §6.5). */
    public static OfpGroupMod toModify(GroupRule rule, int xid) {
        return toMod(GroupModCommand.MODIFY, rule, xid);
    }

    private static OfpGroupMod toMod(GroupModCommand command, GroupRule rule, int xid) {
        GroupId id = groupId(rule.groupId());
        GroupType type = switch (rule.type()) {
            case "all" -> GroupType.ALL;
            case "select" -> GroupType.SELECT;
            case "indirect" -> GroupType.INDIRECT;
            case "ff" -> GroupType.FF;
            default -> throw new FlowRuleException("type", "group type must be all, select, indirect or ff, not " + rule.type());
        };
        if (type == GroupType.INDIRECT && rule.buckets().size() != 1) {
            throw new FlowRuleException("buckets", "an indirect group has exactly one bucket (OF 1.3.5 §5.6.1)");
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < rule.buckets().size(); i++) {
            GroupBucket b = rule.buckets().get(i);
            String path = "buckets[" + i + "]";
            PortNo watch = PortNo.ANY;
            if (type == GroupType.FF) {
                if (b.watchPort() == null) {
                    throw new FlowRuleException(path + ".watch_port", "a fast-failover bucket needs a watch_port (OF 1.3.5 §5.6.1)");
                }
                try {
                    watch = PortNo.parse(b.watchPort());
                } catch (RuntimeException e) {
                    throw new FlowRuleException(path + ".watch_port", "not a port: '" + b.watchPort() + "'");
                }
            }
            if (type != GroupType.SELECT && b.weight() != 0) {
                throw new FlowRuleException(path + ".weight", "only select groups have bucket weights");
            }
            buckets.add(new Bucket(type == GroupType.SELECT && b.weight() == 0 ? 1 : b.weight(), watch, GroupId.ANY,
                    FlowRules.toActions(b.actions(), path + ".actions")));
        }
        return new OfpGroupMod(xid, command, type, id, buckets);
    }

    /** An OFPGC_DELETE of {@code groupId}. */
    public static OfpGroupMod toDelete(long groupId, int xid) {
        return new OfpGroupMod(xid, GroupModCommand.DELETE, GroupType.ALL, groupId(groupId), List.of());
    }

    private static GroupId groupId(long id) {
        if (id < 0 || id > (GroupId.MAX.value() & 0xFFFF_FFFFL)) {
            throw new FlowRuleException("group_id", "group id must be in 0..4294967040, not " + id);
        }
        return GroupId.of((int) id);
    }

    /** The API's view of a group description. */
    public static GroupRule fromDesc(GroupDesc d) {
        List<GroupBucket> buckets = new ArrayList<>();
        for (Bucket b : d.buckets()) {
            buckets.add(new GroupBucket(b.weight(), b.watchPort().equals(PortNo.ANY) ? null : b.watchPort().toString(),
                    FlowRules.fromActions(b.actions())));
        }
        return new GroupRule(d.groupId().value() & 0xFFFF_FFFFL, d.groupType().name().toLowerCase(Locale.ROOT), buckets);
    }
}
