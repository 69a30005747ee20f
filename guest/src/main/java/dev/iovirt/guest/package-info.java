/**
 * The guest kernel base: {@link dev.iovirt.guest.Kernel} boots (page tables in guest memory, interrupt
 * handler table, x2APIC timer), enumerates PCI and binds {@link dev.iovirt.guest.Driver}s by vendor and
 * device ID, and runs {@link dev.iovirt.guest.Task}s from a run queue, halting when idle.
 *
 * <p>Everything here runs on a vCPU's thread and reaches the machine only through
 * {@link dev.iovirt.vmm.arch.GuestCpu}; from vmm-core it imports the architectural interface and
 * register-map constants ({@code X86}, {@code PciConfig}, {@code UartRegisters}), never a device or a
 * VMCS.
 */
package dev.iovirt.guest;
