/**
 * The VT-d IOMMU (Intel Virtualization Technology for Directed I/O, rev. 3.x/4.x): DMA remapping,
 * interrupt remapping and posted interrupts — the API device assignment builds on.
 *
 * <p><b>What.</b> {@link dev.iovirt.iommu.Iommu} is the host's IOMMU driver over one remapping
 * hardware unit ({@link dev.iovirt.iommu.impl.RemappingUnit}). Every structure the hardware reads — root
 * table, context tables, second-level page tables, the invalidation queue, the interrupt remapping
 * table — lives in {@link dev.iovirt.vmm.mem.HostMemory} frames in the spec's binary layout
 * ({@code dev.iovirt.iommu.vtd}); the driver programs the unit only through its registers. A device
 * model gets a {@link dev.iovirt.vmm.mem.DmaMemory} from {@link dev.iovirt.iommu.Iommu#dmaFor} and an
 * {@link dev.iovirt.vmm.pci.MsiSink} from {@link dev.iovirt.iommu.InterruptRemapper#msiSinkFor}: the same
 * interfaces it gets without an IOMMU, so it cannot tell whether translation is on.
 *
 * <p><b>How a DMA flows.</b>
 * <pre>
 *  device model ── DmaMemory.write(addr) ──▶ TranslatedDmaMemory (source-id = the device's BDF)
 *     │ per 4 KiB piece; every piece of a write is translated before a byte moves
 *     ▼
 *  RemappingUnit.translate(sid, iova, access)                      [one lock; allocation-free on hits]
 *     TE off? ─▶ HPA = IOVA
 *     context cache (by sid) ── miss ─▶ root table[bus] ─▶ context table[devfn]     faults 0x1 0x2 0x3 0x8-0xB
 *     TT = pass-through? ─▶ HPA = IOVA
 *     IOVA beyond AGAW? ─▶ fault 0x4
 *     IOTLB (by DID, 4K/2M/1G) ── miss ─▶ paging-structure caches ─▶ second-level walk  faults 0x5 0x6 0x7 0xC
 *     R/W check ─▶ HPA            or: fault recorded in FRCD[FRI] (unless FPD; PFO when full),
 *     │                                   fault event MSI, DmaFaultException to the device
 *     ▼
 *  HostMemory.write(hpa)
 * </pre>
 *
 * <p><b>How an interrupt flows.</b>
 * <pre>
 *  device ── MSI (DWORD write to 0xFEExxxxx) ──▶ RemappingUnit.interrupt(sid, address, data)
 *     IRE off ─▶ delivered as written
 *     compatibility format (address bit 4 = 0) ─▶ CFIS ? delivered : fault 0x25
 *     remappable: index = handle (+ subhandle) ─▶ bounds (0x21) ─▶ interrupt entry cache / IRT[index]
 *        ─▶ present (0x22), reserved (0x24), source-id SVT/SQ/SID (0x26)
 *        IM = 0 remapped ─▶ compatibility MSI (vector, destination from the IRTE) ─▶ interrupt target
 *        IM = 1 posted   ─▶ PostedInterruptSink: PIR bit + ON in the PI descriptor at PDA; if ON was clear
 *                           and SN clear, notification vector to NDST ─▶ a running vCPU takes it, no exit
 * </pre>
 *
 * <p><b>Invalidation.</b> The caches behave as hardware's: an entry is used until invalidated, so an
 * unmap without invalidation keeps working and an unmap with it never does. {@link dev.iovirt.iommu.Iommu#unmap}
 * does both; the register (CCMD, IOTLB_REG) and queued (context-cache, IOTLB, interrupt entry cache,
 * invalidation wait descriptors) interfaces are both modeled.
 */
package dev.iovirt.iommu;
