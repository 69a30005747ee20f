/**
 * Host physical memory and guest-physical memory as the VMM sees them.
 *
 * <p>Three address types keep the three address spaces apart at compile time: {@link dev.iovirt.vmm.mem.Gva}
 * (guest-linear, translated by the guest's page tables), {@link dev.iovirt.vmm.mem.Gpa} (guest-physical,
 * translated by EPT or, for devices, by the slots or an IOMMU) and {@link dev.iovirt.vmm.mem.Hpa}
 * (host-physical, a byte of {@link dev.iovirt.vmm.mem.HostMemory}).
 *
 * <p>How an access flows: a guest load goes GVA → (guest page tables, in guest memory) → GPA → (EPT,
 * in host frames) → HPA → {@code HostMemory}. The first time a guest touches a RAM page, EPT has no
 * mapping: the EPT violation exits to the VMM, which asks the page's {@link dev.iovirt.vmm.mem.MemorySlot}
 * for its backing (allocating a frame from the pool, charged to the VM's
 * {@link dev.iovirt.vmm.mem.MemoryAccount}), maps it in EPT and resumes the guest. A device's DMA goes
 * GPA → slot → HPA through {@link dev.iovirt.vmm.mem.DmaMemory}.
 */
package dev.iovirt.vmm.mem;
