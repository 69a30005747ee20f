/**
 * PCI Express as a guest sees it: functions addressed by {@link dev.iovirt.vmm.pci.Bdf}, each with a
 * type-0 configuration header, BARs and a capability list ({@link dev.iovirt.vmm.pci.PciFunction}),
 * reached through configuration mechanism #1 (ports 0xCF8/0xCFC) or ECAM MMIO
 * ({@link dev.iovirt.vmm.pci.PciBus}), with MSI-X ({@link dev.iovirt.vmm.pci.MsixCapability}).
 *
 * <p>How an access flows: the guest's IN/OUT or MMIO exits to the VMM's user-space part, which looks the
 * address up in the VM's {@link dev.iovirt.vmm.io.IoBus} / {@link dev.iovirt.vmm.io.MmioBus}; the PCI
 * bus registered the config ports and ECAM window there, and registers each BAR when the guest
 * programs its address and sets the command register's enable bit. Device models never see guest
 * code; they see register accesses, DMA ({@link dev.iovirt.vmm.mem.DmaMemory}) and an
 * {@link dev.iovirt.vmm.pci.MsiSink}.
 */
package dev.iovirt.vmm.pci;
