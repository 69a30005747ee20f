package dev.iovirt.guest;

/** An entry of the kernel's interrupt handler table (its IDT). Runs with interrupts disabled. */
@FunctionalInterface
public interface InterruptHandler {
    void handle(Kernel kernel, int vector, long errorCode);
}
