package dev.iovirt.vmm.testing;

import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Guest code for tests: runs {@code program} at reset, then halts; records every event delivered
 * through its IDT; {@code onInterrupt} lets a test react (e.g. EOI) and {@code onRun} runs in later slices.
 */
public final class TestGuest implements GuestCode {
    /** A delivered event. */
    public record Event(int vector, long errorCode, long cr2) {
    }

    private final Consumer<GuestCpu> program;
    public final List<Event> events = new ArrayList<>();
    public Consumer<GuestCpu> onInterrupt = cpu -> { };
    public Consumer<GuestCpu> onRun = GuestCpu::hlt;
    public boolean haltAfterReset = true;

    public TestGuest(Consumer<GuestCpu> program) {
        this.program = program;
    }

    @Override
    public void reset(GuestCpu cpu) {
        program.accept(cpu);
        if (haltAfterReset) {
            cpu.hlt();
        }
    }

    @Override
    public void interrupt(GuestCpu cpu, int vector, long errorCode) {
        events.add(new Event(vector, errorCode, vector == 14 ? cpu.movFromCr(2) : 0));
        onInterrupt.accept(cpu);
    }

    @Override
    public void run(GuestCpu cpu) {
        onRun.accept(cpu);
    }
}
