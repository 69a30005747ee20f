package dev.iovirt.controller.sfc;

/**
 * An appliance instance as a bump in the wire (networking-sfc's port pair): frames of the chain's
 * forward direction go in at {@code ingress} and come back out at {@code egress}; a symmetric
 * chain's reverse direction goes in at {@code egress} and comes out at {@code ingress}. The two
 * ports differ, so that the port a frame comes back on tells its direction.
 *
 * @param name unique among port pairs
 * @param ingress where forward frames enter the appliance
 * @param egress where forward frames leave it
 */
public record PortPair(String name, HopPort ingress, HopPort egress) {
}
