/**
 * Service function chaining with networking-sfc's semantics: {@link dev.iovirt.controller.sfc.PortPair}s
 * (appliance instances as bumps in the wire), {@link dev.iovirt.controller.sfc.PortPairGroup}s (the instances of
 * one appliance, load-spread by select groups), {@link dev.iovirt.controller.sfc.FlowClassifier}s (which IPv4
 * traffic of an overlay network) and {@link dev.iovirt.controller.sfc.PortChain}s (the groups in order).
 *
 * <p>How a chain's frame travels: it enters the overlay at a member's port, where a classification entry
 * steers it to the first group's ingress port (directly, through a select group, or over the VXLAN tunnel
 * with the pair's steering tunnel id, which the pair's switch turns into an output to the hop port); the
 * appliance sends it back out of its egress port, and the port it comes back on says the direction and the
 * next step: the next group, or the overlay's forwarding by destination MAC after the last one. A symmetric
 * chain's replies are classified with swapped addresses and ports and walk the groups backwards, from the
 * last group's egress ports out of the first group's ingress ports.
 *
 * <pre>
 * REST /sfc ─▶ SfcManager (objects, checks, steering ids; the NetworkManager's guard, under its lock)
 *                 └─▶ SfcApp.sync ─▶ ChainRenderer.render (pure) ─▶ GroupService, FlowRuleService (diff + barriers)
 * iovirt run (platform) ─▶ ChainRenderer.render ─▶ GroupRules.toAdd, FlowRules.toFlowMod ─▶ its own switches
 * </pre>
 */
package dev.iovirt.controller.sfc;
