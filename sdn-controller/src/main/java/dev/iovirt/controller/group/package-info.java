/**
 * The group subsystem (OF 1.3.5 §5.6): group entries described with flow actions per bucket,
 * turned into OFPT_GROUP_MOD by {@link dev.iovirt.controller.group.GroupRules}, applied by
 * {@link dev.iovirt.controller.group.GroupManager} through a {@code GroupProvider}.
 *
 * <pre>GroupRule ─GroupRules─▶ OfpGroupMod (refused here, with the field) ─▶ GROUP_MOD + BARRIER ─▶ switch</pre>
 */
package dev.iovirt.controller.group;
