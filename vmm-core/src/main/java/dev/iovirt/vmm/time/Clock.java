package dev.iovirt.vmm.time;

/**
 * The platform's time: nanoseconds since the clock's start. Real time by default; virtual time under
 * the step driver, so timers behave the same in both (DESIGN §4). The guest's TSC counts this clock at
 * 1 GHz (one tick per nanosecond).
 */
public interface Clock {
    long nanos();

    /** Real time, starting at 0 when created. */
    static Clock system() {
        long start = System.nanoTime();
        return () -> System.nanoTime() - start;
    }
}
