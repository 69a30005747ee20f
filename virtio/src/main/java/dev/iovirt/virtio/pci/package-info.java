/**
 * The virtio-pci modern transport (virtio 1.2 §4.1): how a guest finds and drives a virtio
 * device over PCI.
 *
 * <pre>
 * config space: vendor capabilities (common, notify, ISR, device) ─▶ regions of BAR 4; MSI-X in BAR 1
 * common cfg:   features ─▶ FEATURES_OK ─▶ queue_select/size/desc/driver/device/enable ─▶ DRIVER_OK
 *               ─▶ VirtioDevice.activate(VirtQueue...)
 * notify:       write at NOTIFY_OFFSET + 4 × queue ─▶ VirtioDevice.queueNotify (the kick)
 * interrupts:   Transport.signalQueue ─▶ MSI-X entry queue_msix_vector (or ISR bit 0 without MSI-X)
 * </pre>
 *
 * {@link dev.iovirt.virtio.pci.VirtioPciLayout} is the register map the guest driver imports.
 */
package dev.iovirt.virtio.pci;
