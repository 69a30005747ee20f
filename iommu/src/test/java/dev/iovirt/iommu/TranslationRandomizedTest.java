package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.iommu.impl.RemappingUnit;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random maps, unmaps (with their invalidation) and accesses over two domains, checked against
 * a reference of the spec's rules: every translation — IOTLB hit, paging-structure cache hit or full
 * walk, with 4 KiB and 2 MiB pages and evictions — gives the reference's host-physical address, or the
 * reference's fault reason.
 */
class TranslationRandomizedTest {
    private record Mapping(long iova, long hpa, long size, int perms) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42})
    void everyTranslationMatchesTheReference(long seed) {
        Random random = new Random(seed);
        Rig rig = new Rig();
        Iommu iommu = rig.iommu;
        Domain[] domains = {iommu.createDomain(), iommu.createDomain(39)};
        int[] sids = {Rig.NIC.requesterId(), Rig.OTHER.requesterId()};
        iommu.attach(Rig.NIC, domains[0]);
        iommu.attach(Rig.OTHER, domains[1]);
        List<TreeMap<Long, Mapping>> reference = List.of(new TreeMap<>(), new TreeMap<>());
        RemappingUnit unit = iommu.unit();
        long window = 64L << 20; // 32 super-page slots: mappings collide, caches evict
        int checked = 0;
        for (int step = 0; step < 3000; step++) {
            int d = random.nextInt(2);
            TreeMap<Long, Mapping> ref = reference.get(d);
            int op = random.nextInt(10);
            if (op < 3) {
                boolean big = random.nextInt(4) == 0;
                PageSize size = big ? PageSize.SIZE_2M : PageSize.SIZE_4K;
                long iova = (random.nextLong(window) & ~size.offsetMask) + (d == 1 ? 0 : 0x40_0000_0000L);
                if (overlaps(ref, iova, size.bytes)) {
                    continue;
                }
                Hpa hpa = big ? rig.memory.allocatePage(size, rig.host.hostAccount()) : rig.frame();
                int perms = 1 + random.nextInt(3);
                iommu.map(domains[d], Iova.of(iova), hpa, size.bytes, perms);
                ref.put(iova, new Mapping(iova, hpa.value(), size.bytes, perms));
            } else if (op < 5 && !ref.isEmpty()) {
                Mapping m = new ArrayList<>(ref.values()).get(random.nextInt(ref.size()));
                iommu.unmap(domains[d], Iova.of(m.iova), m.size);
                ref.remove(m.iova);
            } else {
                long iova = (d == 1 ? 0 : 0x40_0000_0000L) + random.nextLong(window);
                if (!ref.isEmpty() && random.nextBoolean()) { // half the time, inside a mapping
                    Mapping m = new ArrayList<>(ref.values()).get(random.nextInt(ref.size()));
                    iova = m.iova + random.nextLong(m.size);
                }
                int access = random.nextBoolean() ? RemappingUnit.READ : RemappingUnit.WRITE;
                var e = ref.floorEntry(iova);
                Mapping m = e != null && iova < e.getValue().iova + e.getValue().size ? e.getValue() : null;
                long expected = m != null && (m.perms & access) == access ? m.hpa + (iova - m.iova)
                        : access == RemappingUnit.WRITE ? -0x5 : -0x6;
                assertThat(unit.translate(sids[d], iova, access)).as("step %d: %s of 0x%x in domain %d", step,
                        access == RemappingUnit.READ ? "read" : "write", iova, d).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
        IommuStats s = iommu.stats();
        assertThat(s.iotlbHits).isPositive();
        assertThat(s.pagingStructureCacheHits).isPositive();
    }

    private static boolean overlaps(TreeMap<Long, Mapping> ref, long iova, long size) {
        var below = ref.floorEntry(iova + size - 1);
        return below != null && below.getValue().iova + below.getValue().size > iova;
    }
}
