/**
 * The architectural boundary a guest sees: {@link dev.iovirt.vmm.arch.GuestCpu} (the instructions a VMM
 * can observe), {@link dev.iovirt.vmm.arch.GuestCode} (the entry points the processor calls: reset
 * vector, IDT, main loop) and {@link dev.iovirt.vmm.arch.X86} (bit layouts guests write into memory and
 * registers). The {@code guest} module compiles against this package and register-map constants only.
 */
package dev.iovirt.vmm.arch;
