package dev.iovirt.vswitch.port;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.PortCounters;
import org.jctools.queues.SpscArrayQueue;

/**
 * Frames a port's reader thread took off a kernel interface, waiting for the switch thread: one
 * producer, one consumer. Beyond {@link #CAPACITY} frames the reader's are dropped and counted.
 */
final class ArrivedFrames {
    /** Frames waiting for the switch, at most. */
    static final int CAPACITY = 4096;

    private final SpscArrayQueue<byte[]> queue = new SpscArrayQueue<>(CAPACITY);
    private volatile Runnable listener;
    private volatile long droppedQueueFull;

    /** Reader thread: queues {@code frame} (now owned by the queue) and wakes the switch, or counts a drop. */
    void offer(byte[] frame) {
        if (!queue.offer(frame)) {
            droppedQueueFull++;
            return;
        }
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    /**
     * Switch thread: moves waiting frames into {@code batch} as far as it has room, counting them in
     * {@code counters} (a frame larger than a frame buffer is an rx error); also publishes the drops.
     */
    int drainInto(FrameBatch batch, PortCounters counters) {
        counters.rxDropped = droppedQueueFull;
        int n = 0;
        byte[] f;
        while (!batch.isFull() && (f = queue.poll()) != null) {
            if (batch.add(f, 0, f.length)) {
                counters.countRx(f.length);
                n++;
            } else {
                counters.rxErrors++; // larger than a frame buffer (a jumbo frame on a standard port)
            }
        }
        return n;
    }

    void setListener(Runnable listener) {
        this.listener = listener;
    }
}
