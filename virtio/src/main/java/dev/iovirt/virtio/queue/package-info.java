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
 * {@link dev.iovirt.virtio.queue.SplitRing} defines the layout once, for the device and for the
 * guest driver. Every rule a driver can break is checked and reported as a
 * {@link dev.iovirt.virtio.queue.VirtQueueError}; the queue then stops, and the device is to set
 * DEVICE_NEEDS_RESET. The packed virtqueue (§2.8) is not built yet.
 */
package dev.iovirt.virtio.queue;
