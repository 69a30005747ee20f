package dev.iovirt.bench.iommu;

import dev.iovirt.iommu.DmaPermission;
import dev.iovirt.iommu.Domain;
import dev.iovirt.iommu.Iommu;
import dev.iovirt.iommu.Iova;
import dev.iovirt.iommu.impl.RemappingUnit;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DMA translation by the VT-d model: an IOTLB hit (context-cache hit, IOTLB hit, permission check —
 * goal 0 B/op under {@code -prof gc}), a second-level walk after an invalidation (IOTLB and paging-structure caches
 * invalidated through the queue first — the cost includes the domain-selective invalidation and its wait
 * descriptor — then four table references), and a 4-byte DMA read through the
 * IOMMU-translated {@link DmaMemory} a device model uses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class IotlbBenchmark {
    private static final Bdf DEVICE = Bdf.of(0, 3, 0);
    private static final long IOVA = 0x10_0000L;
    private Iommu iommu;
    private RemappingUnit unit;
    private Domain domain;
    private DmaMemory dma;
    private int sid;
    private long offset;

    @Setup
    public void setUp() {
        HostMemory memory = new HostMemory(64L << 20);
        MemoryAccount account = new MemoryAccount("bench");
        iommu = new Iommu(memory, account, Iommu.Options.defaults());
        domain = iommu.createDomain();
        Hpa page = memory.allocateFrame(account);
        iommu.map(domain, Iova.of(IOVA), page, 4096, DmaPermission.READ_WRITE);
        iommu.attach(DEVICE, domain);
        unit = iommu.unit();
        sid = DEVICE.requesterId();
        dma = iommu.dmaFor(DEVICE);
        if (RemappingUnit.blocked(unit.translate(sid, IOVA, RemappingUnit.READ))) {
            throw new IllegalStateException("page not mapped");
        }
    }

    @Benchmark
    public long iotlbHitTranslation() {
        offset = (offset + 8) & 0xFF8;
        return unit.translate(sid, IOVA + offset, RemappingUnit.READ);
    }

    @Benchmark
    public long invalidateDomainAndWalk() {
        iommu.invalidateDomain(domain);
        return unit.translate(sid, IOVA, RemappingUnit.READ);
    }

    @Benchmark
    public int dmaRead32() {
        offset = (offset + 8) & 0xFF8;
        return dma.read32(Gpa.of(IOVA + offset));
    }
}
