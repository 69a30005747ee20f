package dev.iovirt.vmm.arch;

/**
 * The code a guest runs, as the processor reaches it: the reset vector, the IDT, and the main loop.
 * The VMM loads it into a VM the way firmware and a kernel image are loaded; the processor calls it; it
 * calls nothing but its {@link GuestCpu}. Each method is a run-to-completion slice.
 */
public interface GuestCode {
    /** The first instruction after power-on (the bootstrap processor's reset vector). */
    void reset(GuestCpu cpu);

    /**
     * An event delivered through the IDT: an external interrupt, or an exception (with
     * {@code errorCode} &gt;= 0 when the exception pushes one). RFLAGS.IF is 0 while this runs (interrupt
     * gate) and is restored on return (IRET).
     */
    void interrupt(GuestCpu cpu, int vector, long errorCode);

    /** The kernel's main loop, one slice: entered whenever the vCPU runs and is not halted. */
    void run(GuestCpu cpu);
}
