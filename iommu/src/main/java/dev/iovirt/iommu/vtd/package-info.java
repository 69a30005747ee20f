/**
 * The VT-d binary layouts, one class per spec noun: {@link dev.iovirt.iommu.vtd.RootEntry} (§9.1),
 * {@link dev.iovirt.iommu.vtd.ContextEntry} (§9.3), {@link dev.iovirt.iommu.vtd.SecondLevelEntry} (§9.8),
 * {@link dev.iovirt.iommu.vtd.Irte} (§9.10, §9.11), {@link dev.iovirt.iommu.vtd.RemappableMsi} (§5.1.2.2),
 * {@link dev.iovirt.iommu.vtd.InvalidationDescriptor} (§6.5.2) and the register map
 * {@link dev.iovirt.iommu.vtd.VtdRegisters} (§10.4). Constants and pure encode/decode functions only: the
 * layouts are defined once, here, and used by the hardware model and by any driver (host or guest).
 */
package dev.iovirt.iommu.vtd;
