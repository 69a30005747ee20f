package dev.iovirt.packet.testing;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A frame port with nothing behind it, as Open vSwitch's dummy netdev: a test {@link #inject}s
 * frames that the port will hand to {@link #receive}, and reads back what was {@link #transmit}ted.
 * Single-threaded, for step-driven tests.
 */
public final class DummyPort implements FramePort {
    private final String name;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private final PortCounters counters = new PortCounters();
    private boolean linkUp = true;
    private Runnable listener;

    public DummyPort(String name) {
        this.name = name;
    }

    /** Queues a frame to be received from this port. */
    public void inject(byte[] frame) {
        pending.add(frame.clone());
        if (listener != null) {
            listener.run();
        }
    }

    /** Frames transmitted out of this port so far, oldest first. */
    public List<byte[]> transmitted() {
        return sent;
    }

    /** Returns and forgets what was transmitted. */
    public List<byte[]> drain() {
        List<byte[]> copy = new ArrayList<>(sent);
        sent.clear();
        return copy;
    }

    public int pendingCount() {
        return pending.size();
    }

    public void setLinkUp(boolean up) {
        linkUp = up;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(FrameBatch batch) {
        if (!linkUp) {
            return 0;
        }
        int n = 0;
        while (!pending.isEmpty() && !batch.isFull()) {
            byte[] f = pending.poll();
            if (batch.add(f, 0, f.length)) {
                counters.countRx(f.length);
                n++;
            } else {
                counters.rxErrors++;
            }
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        if (!linkUp) {
            counters.txDropped += batch.size();
            return 0;
        }
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
    public boolean isLinkUp() {
        return linkUp;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public String toString() {
        return "DummyPort[" + name + "]";
    }
}
