/**
 * virtio 1.2 devices apart from their transport: {@link dev.iovirt.virtio.VirtioDevice} is what a
 * device offers and does with its queues; {@link dev.iovirt.virtio.VirtioStatus} holds the status
 * and device-independent feature bits. Queues are in {@code queue}, the PCI transport in
 * {@code pci}. Not built yet: virtio-net, the vhost-style backend, the packed virtqueue.
 */
package dev.iovirt.virtio;
