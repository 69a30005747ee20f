package dev.iovirt.vmm.pci;

/**
 * Where a device's message-signalled interrupts go: a DWORD write of {@code data} to {@code address}.
 * Wired to the VM's interrupt router directly, or through the IOMMU's interrupt remapping.
 */
@FunctionalInterface
public interface MsiSink {
    void signal(long address, int data);
}
