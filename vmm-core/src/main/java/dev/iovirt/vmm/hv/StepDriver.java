package dev.iovirt.vmm.hv;

import dev.iovirt.vmm.time.TimerQueue;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives every registered part from the calling thread until the system is quiet, advancing virtual
 * time to the next timer deadline when nothing else can run (DESIGN §4). Tests use it instead of
 * threads and sleeps: the same inputs give the same run, always.
 */
public final class StepDriver {
    private final VirtualClock clock;
    private final TimerQueue timers;
    private final List<Steppable> parts = new ArrayList<>();
    private int maxRounds = 1_000_000;

    public StepDriver(VirtualClock clock, TimerQueue timers) {
        this.clock = clock;
        this.timers = timers;
    }

    public StepDriver add(Steppable part) {
        parts.add(part);
        return this;
    }

    /** A bound on rounds before a run is declared runaway (a guest that never halts). */
    public StepDriver maxRounds(int rounds) {
        this.maxRounds = rounds;
        return this;
    }

    private boolean round() {
        timers.runDue();
        boolean progress = false;
        for (Steppable p : parts) {
            progress |= p.step();
        }
        return progress;
    }

    /** Runs until no part has work, without advancing time. Returns the rounds run. */
    public int runUntilIdle() {
        for (int r = 0; r < maxRounds; r++) {
            if (!round()) {
                return r;
            }
        }
        throw new IllegalStateException("not idle after " + maxRounds + " rounds: a part never stops (a guest that never halts?)");
    }

    /**
     * Runs until idle; then, while a timer is due at or before {@code untilNanos}, advances the clock to it
     * and runs again. Returns with the clock at the last deadline reached (never beyond {@code untilNanos}).
     */
    public int runUntil(long untilNanos) {
        int rounds = runUntilIdle();
        while (true) {
            long next = timers.nextDeadline();
            if (next == Long.MAX_VALUE || next > untilNanos) {
                return rounds;
            }
            clock.advanceTo(next);
            rounds += runUntilIdle();
        }
    }

    /** Runs until idle with no timer pending at all (use only when timers are finite). */
    public int runUntilQuiet() {
        return runUntil(Long.MAX_VALUE - 1);
    }
}
