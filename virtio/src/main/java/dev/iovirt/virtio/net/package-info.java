/**
 * virtio-net (virtio 1.2 §5.1): the device, its wire formats, and its backend run vhost-user
 * style — the switch's datapath thread services the virtqueues through the device's
 * {@link dev.iovirt.packet.FramePort} side, one copy per packet each way, interrupts only when the
 * driver's used_event asks (EVENT_IDX).
 *
 * <p>Built: TX with checksum completion (CSUM), RX with mergeable buffers (MRG_RXBUF), MAC and
 * promiscuous/all-multicast filtering and queue pairs through the control queue (CTRL_RX, MAC
 * table, MQ), link status, receive checksum validation (GUEST_CSUM: DATA_VALID). Split and packed rings both. Not built: GSO/TSO.
 */
package dev.iovirt.virtio.net;
