package dev.iovirt.vmm.time;

/** A clock that moves only when told: the step driver advances it to the next timer deadline when the system is quiet. */
public final class VirtualClock implements Clock {
    private volatile long now;

    @Override
    public long nanos() {
        return now;
    }

    /** Moves time forward to {@code nanos}; never backward. */
    public synchronized void advanceTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }

    public void advanceBy(long nanos) {
        advanceTo(now + nanos);
    }
}
