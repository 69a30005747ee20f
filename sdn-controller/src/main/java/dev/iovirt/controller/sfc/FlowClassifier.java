package dev.iovirt.controller.sfc;

/**
 * Which traffic of a network a chain takes (networking-sfc's flow classifier), IPv4 only. A
 * transport port is a single port: networking-sfc's ranges ({@code *_port_range_min} &lt;
 * {@code *_port_range_max}) are not supported, since an OpenFlow 1.3 match on a port is exact or
 * bit-masked and a range would need several entries.
 *
 * @param name unique among classifiers
 * @param network the overlay network the chain lives on
 * @param protocol the IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...), or null for any
 * @param sourceIpPrefix IPv4 prefix ({@code 10.0.0.0/24} or an address), or null for any
 * @param destinationIpPrefix IPv4 prefix, or null for any
 * @param sourcePort the transport source port (TCP or UDP only), or null for any
 * @param destinationPort the transport destination port (TCP or UDP only), or null for any
 * @param logicalSourcePort the MAC of the network member whose traffic alone is classified (forward);
 *     null for every member
 */
public record FlowClassifier(String name, String network, Integer protocol, String sourceIpPrefix, String destinationIpPrefix,
                             Integer sourcePort, Integer destinationPort, String logicalSourcePort) {
}
