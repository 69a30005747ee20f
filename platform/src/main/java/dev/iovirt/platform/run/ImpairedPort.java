package dev.iovirt.platform.run;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.platform.topology.Impairment;
import dev.iovirt.vmm.hv.Steppable;
import dev.iovirt.vmm.time.TimerQueue;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A port as a switch sees it through a declared impairment, on virtual time (as {@code tc netem}
 * and {@code tc tbf}): each frame is dropped with the
 * impairment's loss probability, else leaves after the rate limit's serialization (a frame waits
 * for the one before it to be sent at the rate) and then the delay ± jitter. Frames that are not due
 * yet wait here, and a timer at their due time lets the step driver move virtual time to them. Loss
 * and jitter come from a random sequence seeded by the port's name, so a run is reproducible.
 */
final class ImpairedPort extends ForwardingPort implements Steppable {
    /** Frames each direction holds before it drops (a netem queue's default limit is 1,000). */
    static final int QUEUE = 1000;

    private final boolean bothWays;
    private final Impairment impairment;
    private final LongSupplier clock;
    private final TimerQueue timers;
    private final SplittableRandom random;
    private final Direction toPort = new Direction();
    private final Direction fromPort = new Direction();
    private final FrameBatch staging = new FrameBatch();
    private final FrameBatch outgoing = new FrameBatch();
    private long lost;

    /** A frame held back, with the metadata a port reads or sets (the VNI of a tunnel port). */
    private record Held(byte[] bytes, long tunnelId) {
    }

    /** Frames in one direction, each with the virtual time it is due. */
    private final class Direction {
        final ArrayDeque<Held> frames = new ArrayDeque<>();
        final ArrayDeque<Long> due = new ArrayDeque<>();
        long lastDeparture;

        boolean offer(Frame original, long now) {
            byte[] frame = original.toBytes();
            if (impairment.lossPercent() > 0 && random.nextDouble() * 100 < impairment.lossPercent()) {
                lost++;
                return false;
            }
            if (frames.size() >= QUEUE) {
                lost++;
                return false;
            }
            long departure = now;
            if (impairment.rate().isPresent()) {
                long bitsPerSecond = impairment.rate().get().value();
                departure = Math.max(now, lastDeparture) + frame.length * 8L * 1_000_000_000L / bitsPerSecond;
                lastDeparture = departure;
            }
            long delay = impairment.delay().toNanos();
            long jitter = impairment.jitter().toNanos();
            if (jitter > 0) {
                delay += random.nextLong(-jitter, jitter + 1);
            }
            long at = Math.max(departure + delay, due.isEmpty() ? 0 : due.peekLast()); // netem keeps order
            frames.add(new Held(frame, original.tunnelId()));
            due.add(at);
            if (at > now) {
                timers.schedule(at, () -> { });
            }
            return true;
        }

        /** Moves the frames due by {@code now} into {@code batch}, as many as fit. */
        int drain(FrameBatch batch, long now) {
            int n = 0;
            while (!frames.isEmpty() && due.peek() <= now && !batch.isFull()) {
                Held h = frames.poll();
                due.poll();
                if (batch.add(h.bytes(), 0, h.bytes().length)) {
                    batch.get(batch.size() - 1).setTunnelId(h.tunnelId());
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * @param bothWays impair what the port sends to the switch too (a vNIC: its one link, both
     *     ways); false impairs only what the switch sends out of it (each end of a host-to-host link
     *     impairs its own egress, so each direction is impaired once)
     */
    ImpairedPort(FramePort port, Impairment impairment, boolean bothWays, LongSupplier clock, TimerQueue timers) {
        super(port);
        this.bothWays = bothWays;
        this.impairment = impairment;
        this.clock = clock;
        this.timers = timers;
        this.random = new SplittableRandom(port.name().hashCode());
    }

    /** Frames from the port behind reach the switch once due. */
    @Override
    public int receive(FrameBatch batch) {
        if (!bothWays) {
            return port.receive(batch);
        }
        long now = clock.getAsLong();
        staging.clear();
        port.receive(staging);
        for (int i = 0; i < staging.size(); i++) {
            fromPort.offer(staging.get(i), now);
        }
        return fromPort.drain(batch, now);
    }

    /** Frames from the switch reach the port behind once due ({@link #step}). */
    @Override
    public int transmit(FrameBatch batch) {
        long now = clock.getAsLong();
        int accepted = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (toPort.offer(batch.get(i), now)) {
                accepted++;
            }
        }
        step();
        return accepted;
    }

    /** Delivers the frames for the port behind that are due. */
    @Override
    public boolean step() {
        long now = clock.getAsLong();
        boolean moved = false;
        while (true) {
            outgoing.clear();
            if (toPort.drain(outgoing, now) == 0) {
                return moved;
            }
            port.transmit(outgoing);
            moved = true;
        }
    }

    /** Frames the impairment dropped (loss, or a full queue). */
    long lost() {
        return lost;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        port.setReceiveListener(listener);
    }
}
