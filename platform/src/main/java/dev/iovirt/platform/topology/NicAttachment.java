package dev.iovirt.platform.topology;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A VM's network interface: which network it is on, through which I/O path, with which addresses.
 *
 * @param name {@code eth0}, {@code eth1}, ... in the order the topology lists the NICs
 * @param network the name of the network it attaches to
 * @param model the I/O path: emulated e1000, virtio, or an SR-IOV virtual function
 * @param ip the static IPv4 address, or empty if a DHCP appliance on the network gives one
 * @param mac the MAC address, as written or {@linkplain #generatedMac generated}
 * @param macGenerated whether the topology left the MAC out and it was generated
 * @param impairment what the vNIC does to packets; {@link Impairment#NONE} unless the topology says
 */
public record NicAttachment(String name, String network, Model model, Optional<Ipv4Address> ip, MacAddress mac,
                            boolean macGenerated, Impairment impairment) {
    /** The three I/O paths (DESIGN §3). */
    public enum Model {
        /** A full-emulation Intel 82540EM: every register access exits to the VMM. */
        E1000("e1000"),
        /** virtio-net over virtio-pci: rings in guest memory, a kick per batch at most. */
        VIRTIO("virtio"),
        /** A virtual function of the host's SR-IOV NIC, assigned through the IOMMU: no exit on the data path. */
        SRIOV_VF("sriov-vf");

        private final String yamlName;

        Model(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The word a topology file uses. */
        public String yamlName() {
            return yamlName;
        }
    }

    /**
     * The MAC a NIC gets when the topology gives none: locally administered and unicast
     * (IEEE 802 first octet x2, x6, xA or xE), the other 46 bits from a 64-bit FNV-1a hash of
     * {@code vm/index[/attempt]}, so the same topology always gives the same addresses.
     *
     * @param attempt 0 first; the loader tries 1, 2, ... if an address is already taken
     */
    public static MacAddress generatedMac(String vm, int index, int attempt) {
        String seed = vm + "/" + index + (attempt == 0 ? "" : "/" + attempt);
        long h = 0xcbf29ce484222325L;
        for (byte b : seed.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        long bits = h & 0xFFFF_FFFF_FFFFL;
        bits = (bits & ~0x0300_0000_0000L) | 0x0200_0000_0000L; // U/L = 1 (local), I/G = 0 (unicast)
        return MacAddress.of(bits);
    }
}
