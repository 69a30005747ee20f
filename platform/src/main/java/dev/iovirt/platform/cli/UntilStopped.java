package dev.iovirt.platform.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a command that runs until interrupted waits: {@link #await()} returns when Ctrl-C's shutdown
 * hook or a test calls {@link #stop()}; on Ctrl-C the hook then holds the JVM (up to ten seconds)
 * until the command says {@link #cleanedUp()}, so that connections close and files are flushed.
 */
final class UntilStopped {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook;

    UntilStopped(String threadName) {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                cleanedUp.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
    }

    /** Ends {@link #await()}: what Ctrl-C does, and what tests call. */
    void stop() {
        stop.countDown();
    }

    /** Installs the shutdown hook and blocks until {@link #stop()}. */
    void await() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is what woke us; it waits for cleanedUp().
        }
    }

    /**
     * Installs the shutdown hook and runs {@code work} with a test that says whether {@link #stop()}
     * came; {@code work} returns when it did.
     */
    void run(java.util.function.Consumer<java.util.function.BooleanSupplier> work) {
        Runtime.getRuntime().addShutdownHook(hook);
        work.accept(() -> stop.getCount() == 0);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is what stopped us; it waits for cleanedUp().
        }
    }

    /** The command has released everything; a waiting shutdown hook may let the JVM exit. */
    void cleanedUp() {
        cleanedUp.countDown();
    }
}
