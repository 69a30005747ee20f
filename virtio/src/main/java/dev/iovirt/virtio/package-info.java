/**
 * virtio 1.2 devices apart from their transport: {@link dev.iovirt.virtio.VirtioDevice} is what a
 * device offers and does with its queues; {@link dev.iovirt.virtio.VirtioStatus} holds the status
 * and device-independent feature bits. Queues are in {@code queue}, the PCI transport in
 * {@code pci}. virtio-net is in {@code net}. Not built yet: the guest's virtio-net driver (in {@code guest}).
 */
package dev.iovirt.virtio;
