package dev.iovirt.vswitch.agent;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A dummy port for tests that run the real switch thread: a test thread injects frames (the port
 * wakes the switch thread) and waits, with a timeout, for the frames the switch transmits.
 */
final class ThreadSafePort implements FramePort {
    private final String name;
    private final ConcurrentLinkedQueue<byte[]> pending = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    private final PortCounters counters = new PortCounters();
    private volatile Runnable listener;

    ThreadSafePort(String name) {
        this.name = name;
    }

    void inject(byte[] frame) {
        pending.add(frame.clone());
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    /** The next frame the switch sent out of this port, or an AssertionError after 10 s. */
    byte[] nextTransmitted() throws InterruptedException {
        byte[] f = sent.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError(name + " transmitted nothing within 10 s");
        }
        return f;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(FrameBatch batch) {
        int n = 0;
        for (byte[] f; !batch.isFull() && (f = pending.poll()) != null; n++) {
            batch.add(f, 0, f.length);
            counters.countRx(f.length);
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            sent.add(f.toBytes());
            counters.countTx(f.length());
        }
        return batch.size();
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        this.listener = listener;
    }
}
