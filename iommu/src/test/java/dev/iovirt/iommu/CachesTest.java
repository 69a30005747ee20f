package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import org.junit.jupiter.api.Test;

/** Walk references, IOTLB and paging-structure cache hits: what super pages and caches save. */
class CachesTest {
    private final Rig rig = new Rig();
    private final Iommu iommu = rig.iommu;

    private long coldWalkReferences(int addressWidth, PageSize size) {
        Domain d = iommu.createDomain(addressWidth);
        Hpa page = rig.memory.allocatePage(size, rig.host.hostAccount());
        iommu.map(d, Iova.of(size.bytes), page, size.bytes, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        DmaMemory dma = iommu.dmaFor(Rig.NIC);
        long before = iommu.stats().walkReferences;
        dma.read8(Gpa.of(size.bytes + 0x123));
        long cold = iommu.stats().walkReferences - before;
        long hitsBefore = iommu.stats().iotlbHits;
        dma.read8(Gpa.of(size.bytes + 0x456));
        assertThat(iommu.stats().walkReferences - before).isEqualTo(cold); // the second access hit the IOTLB
        assertThat(iommu.stats().iotlbHits - hitsBefore).isEqualTo(1);
        return cold;
    }

    @Test
    void superPagesCutWalkReferences() {
        assertThat(coldWalkReferences(48, PageSize.SIZE_4K)).isEqualTo(4);
        assertThat(coldWalkReferences(48, PageSize.SIZE_2M)).isEqualTo(3);
        assertThat(coldWalkReferences(48, PageSize.SIZE_1G)).isEqualTo(2);
    }

    @Test
    void aThreeLevelDomainWalksThreeEntries() {
        assertThat(coldWalkReferences(39, PageSize.SIZE_4K)).isEqualTo(3);
    }

    @Test
    void theAccessInsideASuperPageUsesTheRightOffset() {
        Domain d = iommu.createDomain();
        Hpa big = rig.memory.allocatePage(PageSize.SIZE_2M, rig.host.hostAccount());
        iommu.map(d, Iova.of(0x4000_0000L), big, PageSize.SIZE_2M.bytes, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        iommu.dmaFor(Rig.NIC).write32(Gpa.of(0x4000_0000L + 0x1_2344), 9);
        assertThat(rig.memory.read32(big.value() + 0x1_2344)).isEqualTo(9);
    }

    @Test
    void thePagingStructureCacheShortensTheWalkOfANeighbourPage() {
        Domain d = iommu.createDomain();
        iommu.map(d, Iova.of(0x20_0000), rig.frame(), 4096, DmaPermission.READ_WRITE);
        iommu.map(d, Iova.of(0x20_1000), rig.frame(), 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        DmaMemory dma = iommu.dmaFor(Rig.NIC);
        dma.read8(Gpa.of(0x20_0000));
        long before = iommu.stats().walkReferences;
        dma.read8(Gpa.of(0x20_1000)); // IOTLB miss, but the SL-PDE is cached: only the SL-PTE is read
        assertThat(iommu.stats().walkReferences - before).isEqualTo(1);
        assertThat(iommu.stats().pagingStructureCacheHits).isEqualTo(1);
    }

    @Test
    void theContextCacheSavesTheRootAndContextReads() {
        Domain d = iommu.createDomain();
        iommu.map(d, Iova.of(0), rig.frame(), 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        DmaMemory dma = iommu.dmaFor(Rig.NIC);
        dma.read8(Gpa.of(0));
        dma.read8(Gpa.of(1));
        IommuStats s = iommu.stats();
        assertThat(s.contextCacheMisses).isEqualTo(1);
        assertThat(s.contextCacheHits).isEqualTo(1);
        assertThat(s.contextReferences).isEqualTo(2); // one root entry, one context entry
    }

    @Test
    void domainsAreTaggedSoTheSameIovaTranslatesPerDomain() {
        Domain a = iommu.createDomain();
        Domain b = iommu.createDomain();
        Hpa pa = rig.frame();
        Hpa pb = rig.frame();
        iommu.map(a, Iova.of(0x1000), pa, 4096, DmaPermission.READ_WRITE);
        iommu.map(b, Iova.of(0x1000), pb, 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, a);
        iommu.attach(Rig.OTHER, b);
        iommu.dmaFor(Rig.NIC).write8(Gpa.of(0x1000), 0xA);
        iommu.dmaFor(Rig.OTHER).write8(Gpa.of(0x1000), 0xB);
        assertThat(rig.memory.read8(pa.value())).isEqualTo(0xA);
        assertThat(rig.memory.read8(pb.value())).isEqualTo(0xB);
    }

    @Test
    void anIotlbHitAllocatesNothing() {
        Domain d = iommu.createDomain();
        iommu.map(d, Iova.of(0x10_0000), rig.frame(), 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        var unit = iommu.unit();
        int sid = Rig.NIC.requesterId();
        unit.translate(sid, 0x10_0000, dev.iovirt.iommu.impl.RemappingUnit.READ); // fills the caches
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        long sum = 0;
        for (int i = 0; i < 100_000; i++) {
            sum += unit.translate(sid, 0x10_0000 + (i & 0xFF8), dev.iovirt.iommu.impl.RemappingUnit.READ);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(sum).isPositive();
        assertThat(allocated).isLessThan(1024); // not a byte per translation
        assertThat(iommu.stats().iotlbHits).isEqualTo(100_000);
    }
}
