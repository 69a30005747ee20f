/**
 * Interrupts: the local APIC ({@link dev.iovirt.vmm.apic.Lapic}), MSI decoding
 * ({@link dev.iovirt.vmm.apic.Msi}) and the posted-interrupt descriptor
 * ({@link dev.iovirt.vmm.apic.PostedInterruptDescriptor}).
 *
 * <p>How an interrupt flows: a device writes an MSI (address 0xFEExxxxx, data) → the VM's interrupt
 * router decodes it and sets the vector in the destination LAPIC's IRR → the LAPIC wakes the vCPU →
 * before the next VM entry the VMM takes the highest deliverable vector (IRR → ISR) and writes it into
 * the VM-entry interruption-information field, or, if the guest has IF=0, sets interrupt-window exiting
 * and injects at the resulting exit → the processor delivers it through the guest's IDT → the guest's
 * handler ends with an EOI (WRMSR 0x80B). With posting, the IRR step is replaced by a PIR bit in the
 * descriptor, moved into IRR without an exit.
 */
package dev.iovirt.vmm.apic;
