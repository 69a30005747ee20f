package dev.iovirt.packet;

/**
 * A point-to-point cable between two frame ports: what one port receives the other transmits. It
 * is the simplest thing that connects two devices before a switch is wired between them, and it is
 * driven by whoever calls {@link #pump()} (a step driver in tests, a worker thread when running).
 */
public final class FrameLink {
    private final FramePort a;
    private final FramePort b;
    private final FrameBatch batch = new FrameBatch();

    public FrameLink(FramePort a, FramePort b) {
        this.a = a;
        this.b = b;
    }

    /**
     * Moves every waiting frame across, in both directions, in batches.
     *
     * @return how many frames moved; 0 means the link is quiet
     */
    public int pump() {
        return move(a, b) + move(b, a);
    }

    private int move(FramePort from, FramePort to) {
        int moved = 0;
        while (true) {
            batch.clear();
            int n = from.receive(batch);
            if (n == 0) {
                return moved;
            }
            to.transmit(batch);
            moved += n;
        }
    }
}
