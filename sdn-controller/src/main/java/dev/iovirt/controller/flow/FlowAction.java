package dev.iovirt.controller.flow;

/**
 * One action of a {@link FlowRule}. {@code type} says which of the other fields matter:
 * <ul>
 * <li>{@code output}: {@code port} (a number or a reserved name: CONTROLLER, FLOOD, ALL, IN_PORT, LOCAL, NORMAL, TABLE)</li>
 * <li>{@code drop}: nothing; must be the only action</li>
 * <li>{@code set_field}: {@code field} (an ovs-ofctl name) and {@code value}</li>
 * <li>{@code group}: {@code group} (a group id)</li>
 * <li>{@code goto_table}: {@code table}; must be the last action (OFPIT_GOTO_TABLE, OF 1.3.5 §7.2.4)</li>
 * <li>{@code meter}: {@code meter} (a meter id); at most once, anywhere in the list: it becomes the
 *     OFPIT_METER instruction, which the switch runs before the actions (OF 1.3.5 §5.9)</li>
 * </ul>
 * Any other type is refused.
 *
 * @param type the action's kind
 * @param port the output port
 * @param field the set_field target
 * @param value the set_field value
 * @param group the group id
 * @param table the goto_table target
 * @param meter the meter id
 */
public record FlowAction(String type, String port, String field, String value, Long group, Integer table, Long meter) {
    /** An action without a meter id. */
    public FlowAction(String type, String port, String field, String value, Long group, Integer table) {
        this(type, port, field, value, group, table, null);
    }

    public static FlowAction output(String port) {
        return new FlowAction("output", port, null, null, null, null);
    }

    public static FlowAction setField(String field, String value) {
        return new FlowAction("set_field", null, field, value, null, null);
    }

    public static FlowAction group(long id) {
        return new FlowAction("group", null, null, null, id, null);
    }

    public static FlowAction gotoTable(int table) {
        return new FlowAction("goto_table", null, null, null, null, table);
    }

    public static FlowAction meter(long id) {
        return new FlowAction("meter", null, null, null, null, null, id);
    }

    public static FlowAction drop() {
        return new FlowAction("drop", null, null, null, null, null);
    }
}
