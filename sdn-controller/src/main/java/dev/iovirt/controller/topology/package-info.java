/**
 * Topology: switch-to-switch links found by LLDP probes, and shortest paths over them.
 * {@link dev.iovirt.controller.topology.TopologyManager} owns the links and is the LLDP provider.
 *
 * <pre>
 * DEVICE_ADDED, PORT up ─▶ PACKET_OUT of an LLDP probe (chassis "dpid:…", port id) out of the port
 *   ─▶ the peer switch sends it back as PACKET_IN ─▶ Link(src = probe's origin, dst = where it arrived)
 * port down/removed, switch removed, probes stop ─▶ LINK_REMOVED
 * </pre>
 */
package dev.iovirt.controller.topology;
