package dev.iovirt.vmm.hv;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a host in real time (DESIGN §4, the default): every vCPU on its own virtual thread, which runs
 * guest slices until the guest halts and then parks — HLT gives the thread back — until its LAPIC
 * accepts an interrupt; and one timer thread that fires {@link dev.iovirt.vmm.time.TimerQueue}
 * deadlines on the host's (real) clock. The step driver is the deterministic alternative; a host is
 * run by one or the other, never both.
 */
public final class RealTimeRunner implements AutoCloseable {
    private final Host host;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final Thread timerThread;

    /** Starts the timer thread and a thread for every vCPU of every VM the host has now. */
    public RealTimeRunner(Host host) {
        if (host.clock() instanceof dev.iovirt.vmm.time.VirtualClock) {
            throw new IllegalArgumentException("a real-time runner needs a real clock; virtual time is for the step driver");
        }
        this.host = host;
        this.timerThread = Thread.ofPlatform().daemon().name("iovirt-timers").unstarted(this::timerLoop);
        host.timers().setOnSchedule(() -> LockSupport.unpark(timerThread));
        timerThread.start();
        for (Vm vm : host.vms()) {
            attach(vm);
        }
    }

    /** Starts threads for the vCPUs of a VM created after this runner started. */
    public synchronized void attach(Vm vm) {
        for (VcpuRunner r : vm.vcpus()) {
            Thread t = Thread.ofVirtual().name(vm.name() + "-vcpu" + r.vcpu().index()).unstarted(() -> vcpuLoop(vm, r));
            r.bindThread(t);
            threads.add(t);
            t.start();
        }
    }

    private void vcpuLoop(Vm vm, VcpuRunner r) {
        while (running && !vm.stopped()) {
            if (r.step()) {
                // Slices are not preempted; between them a busy vCPU lets the other virtual threads on its carrier run.
                Thread.yield();
            } else if (!r.kicked()) {
                LockSupport.park(this); // halted: the thread is given back until an interrupt kicks it
            }
        }
    }

    private void timerLoop() {
        while (running) {
            host.timers().runDue();
            long next = host.timers().nextDeadline();
            if (next == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long wait = next - host.clock().nanos();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
        }
    }

    /** Stops every thread and waits for them (a guest in the middle of a slice finishes the slice). */
    @Override
    public synchronized void close() {
        running = false;
        LockSupport.unpark(timerThread);
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            interrupted |= join(t);
        }
        interrupted |= join(timerThread);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Joins {@code t}, waiting on through interrupts (the threads stop promptly); returns whether one came. */
    private static boolean join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }
}
