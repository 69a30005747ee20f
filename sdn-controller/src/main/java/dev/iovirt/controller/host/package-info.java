/**
 * Host tracking: where end hosts are attached, learned from ARP and IPv4 packet-ins, with move
 * detection. {@link dev.iovirt.controller.host.HostManager} owns it and is itself the provider (a
 * packet processor that observes and never consumes).
 *
 * <pre>PACKET_IN (ARP or IPv4, edge port) ─▶ HostStore.seen ─▶ HOST_ADDED / HOST_MOVED / HOST_UPDATED</pre>
 */
package dev.iovirt.controller.host;
