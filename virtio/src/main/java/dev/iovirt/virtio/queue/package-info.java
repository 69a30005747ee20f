/**
 * Virtqueues (virtio 1.2 §2.7), the device side: the one place that owns a queue's indices.
 *
 * <pre>
 * driver: write descriptors ─▶ avail.ring[avail.idx % size] = head ─▶ avail.idx++ ─▶ (kick unless suppressed)
 * device: VirtQueue.pop() reads avail.idx, the head, walks the chain (direct or indirect)
 *         ─▶ DescriptorChain.readFrom / writeTo by DMA ─▶ addUsed(head, len) writes used.ring, used.idx++
 *         ─▶ needsNotification() (EVENT_IDX used_event, or NO_INTERRUPT) ─▶ MSI-X (irqfd-like)
 * </pre>
 *
 * {@link dev.iovirt.virtio.queue.VirtQueue} is the device's view of either layout:
 * {@link dev.iovirt.virtio.queue.SplitVirtQueue} (§2.7, layout in {@link dev.iovirt.virtio.queue.SplitRing})
 * and {@link dev.iovirt.virtio.queue.PackedVirtQueue} (§2.8, one descriptor ring with AVAIL/USED
 * flags and wrap counters, layout in {@link dev.iovirt.virtio.queue.PackedRing}). Layouts are
 * defined once, for the device and the guest driver. Every rule a driver can break is checked and
 * reported as a {@link dev.iovirt.virtio.queue.VirtQueueError}; the queue then stops, and the device
 * sets DEVICE_NEEDS_RESET.
 */
package dev.iovirt.virtio.queue;
