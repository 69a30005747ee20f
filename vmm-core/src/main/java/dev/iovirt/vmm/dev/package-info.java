/**
 * Fully emulated devices, run by the VMM's user-space part: each is a PCI function whose registers are
 * reached only through exits. So far the 16550A UART console ({@link dev.iovirt.vmm.dev.Uart16550});
 * the e1000 NIC comes next.
 */
package dev.iovirt.vmm.dev;
