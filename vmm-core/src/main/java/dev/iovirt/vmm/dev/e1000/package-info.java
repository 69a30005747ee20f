/**
 * The fully emulated Intel 82540EM Gigabit Ethernet controller — the first of the three I/O paths
 * (DESIGN §3), and the most expensive: every register access the guest driver makes is an MMIO exit
 * to the VMM's user space.
 *
 * <pre>
 *  guest driver ──MMIO write TDT (exit)──▶ E1000.processTransmit ──DMA read descriptors, buffers──▶
 *      host-side queue ──FramePort.receive──▶ link / switch
 *  link / switch ──FramePort.transmit──▶ E1000.deliver: RA/MTA filter ──DMA write buffer, descriptor──▶
 *      ICR.RXT0 ──MSI──▶ guest LAPIC ──▶ driver reads ICR (exit), cleans the ring, writes RDT (exit)
 * </pre>
 *
 * <p>{@link dev.iovirt.vmm.dev.e1000.E1000} is the device (PCI function, MMIO handler and frame port);
 * {@link dev.iovirt.vmm.dev.e1000.DescriptorRing} owns each ring's base, length, head and tail;
 * {@link dev.iovirt.vmm.dev.e1000.E1000Error} names what a misbehaving guest can do and is counted.
 * The register map and descriptor layouts that guest drivers compile against are in the {@code api}
 * subpackage, the only part of this package a guest may import. docs/e1000.md says what is modeled,
 * what a packet costs in exits, and what is simplified.
 */
package dev.iovirt.vmm.dev.e1000;
