/**
 * The ACL app: rules kept by the controller and installed proactively, as flow entries, on every
 * switch (and on each switch that connects later), removed on delete.
 *
 * <pre>
 *  table 0  priority 65535       LLDP ─▶ CONTROLLER                       (lldp app)
 *           priority 1000+p      ACL rule p: deny ─▶ drop, allow ─▶ goto_table:1   (AclManager)
 *           priority 0           everything else ─▶ goto_table:1          (AclManager)
 *  table 1  priority 10          learned in_port, eth_src, eth_dst ─▶ output   (LearningSwitch)
 *           priority 0           table miss ─▶ CONTROLLER                  (LearningSwitch)
 * </pre>
 *
 * A deny rule is a drop entry above everything the learning switch installs. An allow rule must let
 * the packet go on to forwarding, which one table cannot express (the packet would need both the
 * allow entry and the learned entry), so with the ACL running the learning switch works in table 1
 * and an allow entry is {@code goto_table:1}; a higher-priority allow punches a hole into a
 * lower-priority deny. Rules are applied to all switches or to none: a switch refusing a rule makes
 * the controller take it back from the switches that had accepted it.
 */
package dev.iovirt.controller.acl;
