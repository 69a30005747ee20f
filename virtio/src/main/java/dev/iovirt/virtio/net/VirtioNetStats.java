package dev.iovirt.virtio.net;

/**
 * What a virtio-net device counted: packets, copies, and the notifications in both directions
 * that were sent or suppressed — the figures that say what the virtio path costs.
 */
public final class VirtioNetStats {
    public long txPackets;
    public long txBytes;
    public long rxPackets;
    public long rxBytes;
    /** Frames dropped because the guest had posted no receive buffer. */
    public long rxNoBuffer;
    /** Frames not for this device's MAC filter. */
    public long rxFiltered;
    /** Bytes copied between guest buffers and host frames (each packet costs one copy). */
    public long bytesCopied;
    /** Copies made (one per packet each way). */
    public long copies;
    /** Interrupts (MSI-X messages) the device sent. */
    public long interrupts;
    /** Times the device had used buffers but the driver's used_event (or NO_INTERRUPT) said not to interrupt. */
    public long interruptsSuppressed;
    /** Control-queue commands carried out. */
    public long controlCommands;

    @Override
    public String toString() {
        return String.format("tx %d pkts, rx %d pkts (no buffer %d, filtered %d), copies %d, interrupts %d (suppressed %d)",
                txPackets, rxPackets, rxNoBuffer, rxFiltered, copies, interrupts, interruptsSuppressed);
    }
}
