/**
 * The flow subsystem: flow entries described in ovs-ofctl terms ({@link dev.iovirt.controller.flow.FlowRule}),
 * turned into OFPT_FLOW_MOD by {@link dev.iovirt.controller.flow.FlowRules}, applied by
 * {@link dev.iovirt.controller.flow.FlowRuleManager} through a {@code FlowRuleProvider}.
 *
 * <pre>
 * FlowRule ─FlowRules─▶ OfpFlowMod (refused here, with the field, if it cannot be valid)
 *          ─▶ provider: FLOW_MOD, BARRIER ─▶ barrier reply: RULE_ADDED / RULE_REMOVED
 *                                         └▶ OFPT_ERROR of the flow mod's xid: the call fails with it
 * </pre>
 */
package dev.iovirt.controller.flow;
