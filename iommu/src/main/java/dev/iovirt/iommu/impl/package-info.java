/**
 * The remapping hardware: {@link dev.iovirt.iommu.impl.RemappingUnit} (registers, translation, fault
 * recording, invalidation queue, interrupt remapping), its caches ({@link dev.iovirt.iommu.impl.ContextCache},
 * {@link dev.iovirt.iommu.impl.Iotlb}, {@link dev.iovirt.iommu.impl.PagingStructureCache},
 * {@link dev.iovirt.iommu.impl.InterruptEntryCache}) and the device-facing
 * {@link dev.iovirt.iommu.impl.TranslatedDmaMemory}.
 *
 * <p>A request flows: TranslatedDmaMemory (one call per 4 KiB piece) → RemappingUnit.translate under the
 * unit's lock → context cache → IOTLB → paging-structure caches → walk of host memory → host-physical
 * address, or a fault record. The caches are direct-mapped arrays of primitives, so that a hit allocates
 * nothing; they are filled only from present entries (CAP.CM = 0) and emptied only by invalidation or
 * eviction, which is exactly what makes a missing invalidation observable.
 */
package dev.iovirt.iommu.impl;
