package dev.iovirt.vmm.dev;

/** Where a console device's output goes: the platform shows it, a test reads it. */
@FunctionalInterface
public interface ConsoleSink {
    void put(int b);
}
