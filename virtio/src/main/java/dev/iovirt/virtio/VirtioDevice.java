package dev.iovirt.virtio;

import dev.iovirt.virtio.queue.VirtQueue;
import dev.iovirt.vmm.mem.DmaMemory;
import java.util.List;

/**
 * A virtio device apart from its transport (Firecracker's shape): what it offers, its
 * device-specific configuration space, and what it does with its queues once the driver has set
 * DRIVER_OK. It does not know whether it sits on PCI or MMIO.
 */
public interface VirtioDevice {
    /** The virtio device ID (virtio 1.2 §5: 1 = network card). */
    int deviceType();

    /** The feature bits the device offers (device-independent and device-specific). */
    long deviceFeatures();

    /** How many virtqueues the device has. */
    int queueCount();

    /** The largest size each queue may have. */
    int maxQueueSize();

    /** Reads the device-specific configuration space (little-endian fields). */
    long configRead(int offset, int size);

    /** Writes the device-specific configuration space; most fields are read-only and ignore writes. */
    void configWrite(int offset, int size, long value);

    /**
     * The driver set DRIVER_OK: the device may use its queues.
     *
     * @param features the features negotiated
     * @param queues the enabled queues (null for a queue the driver did not enable)
     * @param memory how the device reaches guest memory (direct or through an IOMMU)
     * @param transport how the device signals the driver and reports errors
     */
    void activate(long features, List<VirtQueue> queues, DmaMemory memory, Transport transport);

    /** The driver kicked queue {@code index} (a write to its notify address). */
    void queueNotify(int index);

    /** The driver reset the device (status 0): forget the queues, stop using memory. */
    void reset();

    /** What a device can ask of its transport. */
    interface Transport {
        /** Signals the driver that queue {@code index} has used buffers (an MSI-X message or INTx with ISR bit 0). */
        void signalQueue(int index);

        /** Signals a configuration change (ISR bit 1 or the config MSI-X vector). */
        void signalConfigChange();

        /** The device is broken by what the driver did: sets DEVICE_NEEDS_RESET and tells the driver (§2.1.2). */
        void needsReset(String why);
    }
}
