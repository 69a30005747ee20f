package dev.iovirt.guest.drivers.virtio;

/**
 * The driver's side of one virtqueue, split or packed, reached through the vCPU's MMU: the driver
 * makes buffers available, publishes them, decides whether the device needs a kick, takes used
 * buffers back, and arms or disarms interrupts. Buffers are named by an ID the ring hands back.
 */
public interface DriverRing {
    /** Ring entries (buffers that can be outstanding). */
    int size();

    /** Makes one buffer available (not yet visible to the device until {@link #publish}); returns false if the ring is full. */
    boolean add(int id, long address, int length, boolean deviceWritable);

    /** Makes what was added visible to the device; returns whether the device asked to be kicked for it. */
    boolean publish();

    /** The next used buffer as {@code id << 32 | length}, or -1 if there is none. */
    long takeUsed();

    /** Asks for an interrupt at the next used buffer, and says whether one is already waiting (the NAPI re-arm race). */
    boolean enableInterrupts();

    /** Asks for no interrupts (polling, or lazily reaped completions). */
    void disableInterrupts();
}
