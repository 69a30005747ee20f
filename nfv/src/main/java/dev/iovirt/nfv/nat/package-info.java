/**
 * NAT: source NAT with port (and ICMP identifier) allocation, port forwarding, reverse translation
 * from the connection table and RFC 1624 checksum updates, as a bump in the wire that answers ARP
 * for its external address. See {@link dev.iovirt.nfv.nat.Nat}.
 */
package dev.iovirt.nfv.nat;
