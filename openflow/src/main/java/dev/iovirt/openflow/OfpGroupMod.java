package dev.iovirt.openflow;

import java.util.List;

/**
 * OFPT_GROUP_MOD (OF 1.3.5 §7.3.4.2).
 *
 * @param xid the transaction id
 * @param command add, modify or delete
 * @param groupType all, select, indirect or fast failover
 * @param groupId the group
 * @param buckets the group's buckets
 */
public record OfpGroupMod(int xid, GroupModCommand command, GroupType groupType, GroupId groupId,
                          List<Bucket> buckets) implements OfpMessage {
    public OfpGroupMod {
        buckets = List.copyOf(buckets);
    }

    @Override
    public OfpType type() {
        return OfpType.GROUP_MOD;
    }

    /** The group in ovs-ofctl's add-group notation, which {@link OfpText#parseGroupMod} reads back. */
    public String toGroupString() {
        StringBuilder sb = new StringBuilder("group_id=" + (groupId.equals(GroupId.ALL) ? "all" : groupId.toString())
                + ",type=" + groupType.name().toLowerCase(java.util.Locale.ROOT));
        for (Bucket b : buckets) {
            sb.append(',').append(b);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "OFPT_GROUP_MOD (xid=0x" + Integer.toHexString(xid) + "): " + command.name() + " " + toGroupString();
    }
}
