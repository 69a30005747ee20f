package dev.iovirt.iommu;

/**
 * The address and data a device's MSI or MSI-X vector is programmed with.
 *
 * @param address the message address (0xFEExxxxx)
 * @param data the message data
 */
public record MsiMessage(long address, int data) {
}
