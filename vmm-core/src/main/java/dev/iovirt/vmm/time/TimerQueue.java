package dev.iovirt.vmm.time;

import java.util.PriorityQueue;

/**
 * Host-side timers (LAPIC timers, device timers) ordered by deadline on the platform {@link Clock}.
 * In real time a host thread waits for {@link #nextDeadline()}; under the step driver the driver
 * advances a {@link VirtualClock} to it. Either way {@link #runDue()} fires what is due, in deadline
 * order (ties in scheduling order).
 */
public final class TimerQueue {
    /** A scheduled timer; cancel it with {@link #cancel()}. */
    public static final class Timer implements Comparable<Timer> {
        private final long deadline;
        private final long sequence;
        private final Runnable action;
        private volatile boolean cancelled;

        Timer(long deadline, long sequence, Runnable action) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.action = action;
        }

        public long deadline() {
            return deadline;
        }

        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final Clock clock;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long sequence;
    private volatile Runnable onSchedule = () -> { };

    public TimerQueue(Clock clock) {
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public Timer schedule(long deadlineNanos, Runnable action) {
        Timer t;
        synchronized (this) {
            t = new Timer(deadlineNanos, sequence++, action);
            timers.add(t);
        }
        onSchedule.run();
        return t;
    }

    /** Called after every {@link #schedule}: a real-time timer thread uses it to wake and re-read the next deadline. */
    public void setOnSchedule(Runnable listener) {
        this.onSchedule = listener;
    }

    /** The earliest live deadline, or {@link Long#MAX_VALUE} if none. */
    public synchronized long nextDeadline() {
        while (!timers.isEmpty() && timers.peek().cancelled) {
            timers.poll();
        }
        return timers.isEmpty() ? Long.MAX_VALUE : timers.peek().deadline;
    }

    /** Fires every timer whose deadline has passed; returns how many fired. */
    public int runDue() {
        int fired = 0;
        while (true) {
            Timer t;
            synchronized (this) {
                t = timers.peek();
                if (t == null || t.deadline > clock.nanos()) {
                    return fired;
                }
                timers.poll();
            }
            if (!t.cancelled) {
                t.action.run();
                fired++;
            }
        }
    }
}
