package dev.iovirt.guest;

/**
 * A guest program or kernel job, written as a state machine: each {@link #step} runs to completion
 * without blocking and says whether it has more to do. Blocking is not possible in a guest (DESIGN §4);
 * a task that waits arms a timer or an interrupt and returns {@code false}.
 */
@FunctionalInterface
public interface Task {
    /** Runs one slice; returns true to be run again. */
    boolean step(Kernel kernel);
}
