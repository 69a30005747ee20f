package dev.iovirt.platform.topology;

import dev.iovirt.packet.Ipv4Address;

/**
 * An IPv4 subnet in CIDR notation, e.g. {@code 10.0.1.0/24}.
 *
 * @param network the network address; its host bits are zero
 * @param prefixLength the number of network bits, 0..32
 */
public record Subnet(Ipv4Address network, int prefixLength) {
    public Subnet {
        int mask = Ipv4Address.prefixMask(prefixLength);
        if ((network.bits() & ~mask) != 0) {
            throw new IllegalArgumentException(network + "/" + prefixLength + " has host bits set; the network is "
                    + Ipv4Address.of(network.bits() & mask) + "/" + prefixLength);
        }
    }

    /**
     * Parses {@code a.b.c.d/n}.
     *
     * @throws IllegalArgumentException with a message a user can act on
     */
    public static Subnet parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet — write it in CIDR notation, e.g. 10.0.1.0/24");
        }
        Ipv4Address address;
        try {
            address = Ipv4Address.of(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet: '" + text.substring(0, slash)
                    + "' is not an IPv4 address — write it in CIDR notation, e.g. 10.0.1.0/24");
        }
        String len = text.substring(slash + 1);
        int prefix = len.matches("\\d{1,2}") ? Integer.parseInt(len) : -1;
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet: the prefix length must be 0..32, not '" + len + "'");
        }
        int mask = Ipv4Address.prefixMask(prefix);
        if ((address.bits() & ~mask) != 0) {
            throw new IllegalArgumentException("subnet '" + text + "' has host bits set — did you mean '"
                    + Ipv4Address.of(address.bits() & mask) + "/" + prefix + "'?");
        }
        return new Subnet(address, prefix);
    }

    /** Whether {@code ip} lies in this subnet. */
    public boolean contains(Ipv4Address ip) {
        return ip.isIn(network, prefixLength);
    }

    /** The all-ones host address, which no host may use. */
    public Ipv4Address broadcast() {
        return Ipv4Address.of(network.bits() | ~Ipv4Address.prefixMask(prefixLength));
    }

    /** Whether the subnet has room for hosts at all (prefixes /31 and /32 have no network and broadcast addresses to spare; we refuse them). */
    boolean hasHostAddresses() {
        return prefixLength <= 30;
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
