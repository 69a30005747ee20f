package dev.iovirt.virtio.queue;

/**
 * The device side of one virtqueue, whatever its layout: {@link SplitVirtQueue} (virtio 1.2 §2.7)
 * or {@link PackedVirtQueue} (§2.8). A device pops chains, returns them used, and asks whether the
 * driver wants an interrupt; the implementation owns the indices and reads and writes the rings by
 * DMA. Every rule a driver can break is a {@link VirtQueueException} that leaves the queue broken.
 *
 * <p>Invariant: used by one thread at a time (the device's worker).
 */
public interface VirtQueue {
    int size();

    /** Position of the next available entry the device will look at (16-bit for split rings). */
    int nextAvail();

    /** Position where the device will write its next used entry. */
    int nextUsed();

    /** Why the queue broke, or null. */
    VirtQueueError brokenBy();

    boolean isBroken();

    /** Whether the driver has made buffers available that the device has not taken. */
    boolean hasAvailable() throws VirtQueueException;

    /** Takes the next available chain, or null; the chain is valid until the next call. */
    DescriptorChain pop() throws VirtQueueException;

    /** Puts back the last {@code count} chains popped and not used (QEMU's virtqueue_unpop). */
    void undoPop(int count);

    /** Returns a chain: {@code len} is how many bytes the device wrote into its writable buffers. */
    void addUsed(int head, int len) throws VirtQueueException;

    /** Whether the driver wants an interrupt for what was used since the last call. */
    boolean needsNotification() throws VirtQueueException;

    /** Asks the driver to notify (kick) when it adds buffers. */
    void enableNotification() throws VirtQueueException;

    /** Tells the driver not to kick: the device is polling. */
    void disableNotification() throws VirtQueueException;

    /** Pops; if empty, enables notifications and looks once more, so that no buffer waits for a kick. */
    DescriptorChain popOrEnableNotification() throws VirtQueueException;
}
