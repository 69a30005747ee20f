/**
 * Network apps. {@link dev.iovirt.controller.app.LearningSwitch} is reactive L2 learning: table-miss
 * to the controller, learn source MAC → in_port from each PACKET_IN, FLOW_MOD with an idle timeout
 * for known destinations and PACKET_OUT of the packet, flood otherwise.
 *
 * <pre>PACKET_IN ─▶ MacTable.put(src, in_port) ─▶ MacTable.get(dst) ─▶ FLOW_MOD + PACKET_OUT | PACKET_OUT(FLOOD) | drop</pre>
 *
 * {@link dev.iovirt.controller.app.ArpResponder} answers ARP requests for known addresses;
 * {@link dev.iovirt.controller.app.OverlayApp} is proactive: the VXLAN overlay flows of the
 * networks {@link dev.iovirt.controller.network.NetworkService} keeps.
 */
package dev.iovirt.controller.app;
