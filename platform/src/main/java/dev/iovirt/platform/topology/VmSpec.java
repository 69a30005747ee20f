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
    /** The most vCPUs a VM may have. */
    public static final int MAX_VCPUS = 64;
    /** Guest memory is mapped in pages of this size (EPT 4 KiB pages). */
    public static final int PAGE_SIZE = 4096;

    public VmSpec {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(host, "host");
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vcpus must be 1.." + MAX_VCPUS + ": " + vcpus);
        }
        if (memoryBytes <= 0 || memoryBytes % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("memory must be a positive whole number of 4 KiB pages: " + memoryBytes);
        }
        nics = List.copyOf(nics);
    }

    /** The NIC called {@code name} ({@code eth0}, ...), if there is one. */
    public java.util.Optional<NicAttachment> nic(String name) {
        return nics.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
