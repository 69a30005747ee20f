/**
 * The guest's network stack: Ethernet demultiplexing, ARP (RFC 826, with a timed cache, requests,
 * replies, gratuitous ARP and packets held while an address resolves), IPv4 (RFC 791: header
 * checksum, TTL, no fragmentation), ICMP echo (RFC 792), UDP sockets (RFC 768) and TCP (RFC 9293,
 * with the RFC 6298 retransmission timer).
 *
 * <p>How a packet flows: a driver's receive path (a task scheduled by its interrupt handler) hands each
 * frame to {@link dev.iovirt.guest.net.NetStack#receive}, which demultiplexes by EtherType, then by IP
 * protocol, then by UDP port or TCP four-tuple (then listener), and calls the socket's or the
 * connection's handler — all run to completion in that task. TCP output that a handler or program
 * queues goes out from one flush task after it, so that the sends of one callback and the segments of
 * one receive batch leave as full segments carrying one ACK. Sending builds the frame in one reused buffer, resolves the next hop in the {@link
 * dev.iovirt.guest.net.ArpCache} (or holds a copy and sends an ARP request), and gives the frame to
 * the {@link dev.iovirt.guest.net.NetDevice}.
 *
 * <p>The stack knows nothing of any NIC: the e1000, virtio-net and VF drivers implement
 * {@link dev.iovirt.guest.net.NetDevice}. It is guest software: its state is guest-private, and it
 * reaches the network only through its device. Nothing here blocks; one timer per layer (ARP, TCP)
 * re-arms for the earliest deadline and only schedules the task that does the work.
 */
package dev.iovirt.guest.net;
