package dev.iovirt.openflow;

import java.util.ArrayList;
import java.util.List;

/**
 * OFPT_FLOW_MOD (OF 1.3.5 §7.3.4.1): adds, modifies or deletes flow entries.
 *
 * @param xid the transaction id
 * @param cookie the controller's opaque id for the entry
 * @param cookieMask for modify and delete: only entries whose cookie matches {@code cookie} under this mask
 * @param tableId the table, or {@link TableId#ALL} for deletes
 * @param command what to do
 * @param idleTimeout seconds without a hit before the entry expires, 0 for never
 * @param hardTimeout seconds before the entry expires, 0 for never
 * @param priority the entry's priority
 * @param bufferId a buffered packet to apply the entry to, or {@link BufferId#NO_BUFFER}
 * @param outPort for deletes: only entries that output to this port ({@link PortNo#ANY} for all)
 * @param outGroup for deletes: only entries that output to this group ({@link GroupId#ANY} for all)
 * @param flags {@code FLAG_*} bits
 * @param match the entry's match
 * @param instructions the entry's instructions
 */
public record OfpFlowMod(int xid, long cookie, long cookieMask, TableId tableId, FlowModCommand command,
                         int idleTimeout, int hardTimeout, int priority, BufferId bufferId, PortNo outPort,
                         GroupId outGroup, int flags, Match match, List<Instruction> instructions) implements OfpMessage {
    // OF 1.3.5 §7.3.4.1, enum ofp_flow_mod_flags.
    /** OFPFF_SEND_FLOW_REM: send a flow removed message when the entry expires or is deleted. */
    public static final int FLAG_SEND_FLOW_REM = 1;
    /** OFPFF_CHECK_OVERLAP: refuse to add an overlapping entry. */
    public static final int FLAG_CHECK_OVERLAP = 1 << 1;
    /** OFPFF_RESET_COUNTS: reset the entry's counters. */
    public static final int FLAG_RESET_COUNTS = 1 << 2;
    /** OFPFF_NO_PKT_COUNTS: do not keep track of packet count. */
    public static final int FLAG_NO_PKT_COUNTS = 1 << 3;
    /** OFPFF_NO_BYT_COUNTS: do not keep track of byte count. */
    public static final int FLAG_NO_BYT_COUNTS = 1 << 4;
    /** The default priority (OF 1.3.5 §7.3.4.1, OFP_DEFAULT_PRIORITY). */
    public static final int DEFAULT_PRIORITY = 0x8000;

    public OfpFlowMod {
        instructions = List.copyOf(instructions);
    }

    public static Builder builder(FlowModCommand command) {
        return new Builder(command);
    }

    /** True if a flow entry with {@code entryCookie} is selected by this modify or delete's cookie and mask (OF 1.3.5 §6.4). */
    public boolean selectsCookie(long entryCookie) {
        return (entryCookie & cookieMask) == (cookie & cookieMask);
    }

    /** The apply-actions of the entry, or an empty list. */
    public List<Action> applyActions() {
        for (Instruction i : instructions) {
            if (i instanceof Instruction.ApplyActions a) {
                return a.actions();
            }
        }
        return List.of();
    }

    @Override
    public OfpType type() {
        return OfpType.FLOW_MOD;
    }

    /** The entry in ovs-ofctl's add-flow notation, e.g. {@code table=0,priority=10,in_port=1 actions=output:2}. */
    public String toFlowString() {
        StringBuilder sb = new StringBuilder();
        if (cookie != 0 || cookieMask != 0) {
            sb.append("cookie=0x").append(Long.toHexString(cookie));
            if (cookieMask != 0 && cookieMask != -1L) {
                sb.append("/0x").append(Long.toHexString(cookieMask));
            }
            sb.append(',');
        }
        sb.append("table=").append(tableId.value() == 0xFF ? "255" : tableId.toString());
        if (idleTimeout != 0) {
            sb.append(",idle_timeout=").append(idleTimeout);
        }
        if (hardTimeout != 0) {
            sb.append(",hard_timeout=").append(hardTimeout);
        }
        if ((flags & FLAG_SEND_FLOW_REM) != 0) {
            sb.append(",send_flow_rem");
        }
        if ((flags & FLAG_CHECK_OVERLAP) != 0) {
            sb.append(",check_overlap");
        }
        if ((flags & FLAG_RESET_COUNTS) != 0) {
            sb.append(",reset_counts");
        }
        if ((flags & FLAG_NO_PKT_COUNTS) != 0) {
            sb.append(",no_packet_counts");
        }
        if ((flags & FLAG_NO_BYT_COUNTS) != 0) {
            sb.append(",no_byte_counts");
        }
        sb.append(",priority=").append(priority);
        if (!match.isEmpty()) {
            sb.append(',').append(match);
        }
        if (!outPort.equals(PortNo.ANY)) {
            sb.append(",out_port=").append(outPort);
        }
        if (!outGroup.equals(GroupId.ANY)) {
            sb.append(",out_group=").append(outGroup);
        }
        if (command == FlowModCommand.ADD || command == FlowModCommand.MODIFY || command == FlowModCommand.MODIFY_STRICT) {
            sb.append(" actions=").append(Instruction.toString(instructions));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "OFPT_FLOW_MOD (xid=0x" + Integer.toHexString(xid) + "): " + command.name() + " " + toFlowString();
    }

    /** Builds a flow mod; every field not set has the value ovs-ofctl would give it. */
    public static final class Builder {
        private int xid;
        private long cookie;
        private long cookieMask;
        private TableId tableId = TableId.of(0);
        private final FlowModCommand command;
        private int idleTimeout;
        private int hardTimeout;
        private int priority = DEFAULT_PRIORITY;
        private BufferId bufferId = BufferId.NO_BUFFER;
        private PortNo outPort = PortNo.ANY;
        private GroupId outGroup = GroupId.ANY;
        private int flags;
        private Match match = Match.ALL;
        private final List<Instruction> instructions = new ArrayList<>();

        private Builder(FlowModCommand command) {
            this.command = command;
            if (command == FlowModCommand.DELETE || command == FlowModCommand.DELETE_STRICT) {
                tableId = TableId.ALL;
            }
        }

        public Builder xid(int xid) {
            this.xid = xid;
            return this;
        }

        public Builder cookie(long cookie) {
            this.cookie = cookie;
            return this;
        }

        public Builder cookie(long cookie, long mask) {
            this.cookie = cookie;
            this.cookieMask = mask;
            return this;
        }

        public Builder table(int table) {
            this.tableId = TableId.of(table);
            return this;
        }

        public Builder idleTimeout(int seconds) {
            this.idleTimeout = seconds;
            return this;
        }

        public Builder hardTimeout(int seconds) {
            this.hardTimeout = seconds;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder bufferId(BufferId bufferId) {
            this.bufferId = bufferId;
            return this;
        }

        public Builder outPort(PortNo port) {
            this.outPort = port;
            return this;
        }

        public Builder outGroup(GroupId group) {
            this.outGroup = group;
            return this;
        }

        public Builder flags(int flags) {
            this.flags = flags;
            return this;
        }

        public Builder match(Match match) {
            this.match = match;
            return this;
        }

        public Builder instruction(Instruction i) {
            instructions.add(i);
            return this;
        }

        /** Adds an apply-actions instruction of {@code actions}. */
        public Builder apply(Action... actions) {
            return instruction(new Instruction.ApplyActions(List.of(actions)));
        }

        public Builder gotoTable(int table) {
            return instruction(new Instruction.GotoTable(TableId.of(table)));
        }

        public OfpFlowMod build() {
            return new OfpFlowMod(xid, cookie, cookieMask, tableId, command, idleTimeout, hardTimeout, priority,
                    bufferId, outPort, outGroup, flags, match, instructions);
        }
    }
}
