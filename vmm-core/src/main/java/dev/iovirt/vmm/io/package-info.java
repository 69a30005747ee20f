/**
 * Port-I/O and MMIO dispatch to device models. The VMM's user-space part receives I/O-instruction exits
 * and MMIO (EPT violations on addresses that are not RAM) and forwards them here by address; device
 * models implement {@link dev.iovirt.vmm.io.PioDevice} / {@link dev.iovirt.vmm.io.MmioDevice}. PCI BARs
 * are registered here when the guest programs and enables them.
 */
package dev.iovirt.vmm.io;
