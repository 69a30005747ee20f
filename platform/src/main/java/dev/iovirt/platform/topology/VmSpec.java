package dev.iovirt.platform.topology;

import java.util.List;

/**
 * A virtual machine.
 *
 * @param name unique among VMs and appliances
 * @param host the name of the host it runs on
 * @param vcpus how many vCPUs, 1..64
 * @param memoryBytes guest physical memory in bytes, a whole number of 4 KiB pages
 * @param nics its network interfaces, {@code eth0} first
 */
public record VmSpec(String name, String host, int vcpus, long memoryBytes, List<NicAttachment> nics) {
    /** vCPUs when the topology does not say. */
    public static final int DEFAULT_VCPUS = 1;
    /** Memory when the topology does not say: 256 MiB. */
    public static final long DEFAULT_MEMORY = 256L << 20;

    public VmSpec {
        nics = List.copyOf(nics);
    }

    /** The NIC called {@code name} ({@code eth0}, ...), if there is one. */
    public java.util.Optional<NicAttachment> nic(String name) {
        return nics.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
