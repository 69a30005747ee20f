package dev.iovirt.iommu;

import static dev.iovirt.iommu.vtd.VtdRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.iommu.vtd.InvalidationDescriptor;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The caches keep a translation until it is invalidated — as hardware does — and never after. Both the
 * register interface (CCMD, IVA/IOTLB_REG) and the invalidation queue are exercised as a driver uses
 * them: by writing registers and descriptors, not by calling into the caches.
 */
class InvalidationTest {

    /** The setup both interfaces share: one page mapped for the NIC, translated once so that the IOTLB holds it. */
    private static final class Setup {
        final Rig rig;
        final Iommu iommu;
        final Domain domain;
        final Hpa page;
        final DmaMemory dma;

        Setup(boolean queued) {
            rig = new Rig(queued ? Iommu.Options.defaults() : Iommu.Options.registerBased());
            iommu = rig.iommu;
            domain = iommu.createDomain();
            page = rig.frame();
            iommu.map(domain, Iova.of(0x7000), page, 4096, DmaPermission.READ_WRITE);
            iommu.attach(Rig.NIC, domain);
            dma = iommu.dmaFor(Rig.NIC);
            dma.write32(Gpa.of(0x7000), 1); // fills the IOTLB
        }
    }

    @ParameterizedTest(name = "{0} invalidation, {1}")
    @CsvSource({"queued, page-selective", "queued, domain", "register, page-selective", "register, domain"})
    void staleTranslationIsNeverUsedAfterUnmapAndInvalidation(String how, String granularity) {
        Setup s = new Setup(how.equals("queued"));
        // Unmap in the tables only: the IOTLB still holds the translation, and uses it (hardware behaviour).
        s.domain.tables().unmap(Iova.of(0x7000));
        s.dma.write32(Gpa.of(0x7000), 2);
        assertThat(s.rig.memory.read32(s.page.value())).isEqualTo(2);
        assertThat(s.iommu.faults()).isEmpty();

        if (granularity.equals("domain")) {
            s.iommu.invalidateDomain(s.domain);
        } else {
            s.iommu.invalidatePages(s.domain, Iova.of(0x7000), 4096);
        }
        if (how.equals("queued")) {
            assertThat(s.iommu.stats().queuedInvalidations).isPositive();
        } else {
            assertThat(s.iommu.stats().registerInvalidations).isPositive();
        }
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> s.dma.write32(Gpa.of(0x7000), 3)).isInstanceOf(DmaFaultException.class);
        }
        assertThat(s.rig.memory.read32(s.page.value())).isEqualTo(2);
        assertThat(s.iommu.faults()).hasSize(3).allSatisfy(f -> assertThat(f.reason()).isEqualTo(FaultReason.WRITE_TO_READ_ONLY));
    }

    @Test
    void unmapInvalidatesBeforeItReturns() {
        Setup s = new Setup(true);
        s.iommu.unmap(s.domain, Iova.of(0x7000), 4096);
        assertThatThrownBy(() -> s.dma.read32(Gpa.of(0x7000))).isInstanceOf(DmaFaultException.class);
        assertThat(s.iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x6);
    }

    @Test
    void pageSelectiveInvalidationLeavesOtherPagesCached() {
        Setup s = new Setup(true);
        Hpa second = s.rig.frame();
        s.iommu.map(s.domain, Iova.of(0x9000), second, 4096, DmaPermission.READ_WRITE);
        s.dma.read32(Gpa.of(0x9000));
        s.domain.tables().unmap(Iova.of(0x9000)); // stale, and not invalidated
        s.iommu.unmap(s.domain, Iova.of(0x7000), 4096); // invalidates 0x7000 only
        s.dma.read32(Gpa.of(0x9000)); // still served by the IOTLB
        assertThat(s.iommu.faults()).isEmpty();
        assertThatThrownBy(() -> s.dma.read32(Gpa.of(0x7000))).isInstanceOf(DmaFaultException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"queued", "register"})
    void aClearedContextEntryIsUsedUntilTheContextCacheIsInvalidated(String how) {
        Setup s = new Setup(how.equals("queued"));
        long ctx = (s.rig.memory.read64(s.iommu.rootTable().value()) & ~0xFFFL) + (3 << 3) * 16L;
        s.rig.memory.write64(ctx, 0); // the context entry is gone from memory ...
        s.dma.read32(Gpa.of(0x7000)); // ... but cached
        s.iommu.invalidateContext(Rig.NIC);
        assertThatThrownBy(() -> s.dma.read32(Gpa.of(0x7000))).isInstanceOf(DmaFaultException.class);
        assertThat(s.iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x2);
    }

    @Test
    void registerInvalidationReportsTheActualGranularityAndClearsItsBusyBit() {
        Setup s = new Setup(false);
        MmioDevice regs = s.iommu.registers();
        regs.mmioWrite(IVA, 8, 0x7000);
        regs.mmioWrite(IOTLB, 8, IOTLB_IVT | (3L << IOTLB_IIRG_SHIFT) | ((long) s.domain.id() << IOTLB_DID_SHIFT));
        long iotlb = regs.mmioRead(IOTLB, 8);
        assertThat(iotlb & IOTLB_IVT).isZero();
        assertThat((iotlb >>> IOTLB_IAIG_SHIFT) & 3).isEqualTo(3);
        regs.mmioWrite(CCMD, 8, CCMD_ICC | (1L << CCMD_CIRG_SHIFT));
        long ccmd = regs.mmioRead(CCMD, 8);
        assertThat(ccmd & CCMD_ICC).isZero();
        assertThat((ccmd >>> CCMD_CAIG_SHIFT) & 3).isEqualTo(1);
    }

    /** A driver's view of the queue: descriptors written into the queue page, then IQT moved. */
    private static final class Queue {
        final Rig rig;
        final MmioDevice regs;
        final Hpa base;
        int tail;

        Queue(Rig rig) {
            this.rig = rig;
            this.regs = rig.iommu.registers();
            this.base = Hpa.of(regs.mmioRead(IQA, 8) & IQA_BASE_MASK);
            this.tail = (int) (regs.mmioRead(IQT, 8) >>> 4);
        }

        void put(long low, long high) {
            rig.memory.write64(base.value() + tail * 16L, low);
            rig.memory.write64(base.value() + tail * 16L + 8, high);
            tail = (tail + 1) % 256;
        }

        void go() {
            regs.mmioWrite(IQT, 8, (long) tail << 4);
        }
    }

    @Test
    void theInvalidationWaitDescriptorWritesItsStatusAndSetsIwc() {
        Rig rig = new Rig();
        Queue q = new Queue(rig);
        Hpa status = rig.frame();
        q.put(InvalidationDescriptor.iotlb(GRAN_GLOBAL, 0), 0);
        q.put(InvalidationDescriptor.invalidationWait(0xABCD, true), status.value() + 12);
        assertThat(rig.memory.read32(status.value() + 12)).isZero();
        q.go();
        assertThat(rig.memory.read32(status.value() + 12)).isEqualTo(0xABCD);
        assertThat(q.regs.mmioRead(ICS, 4) & ICS_IWC).isEqualTo(1);
        assertThat(q.regs.mmioRead(IQH, 8)).isEqualTo(q.regs.mmioRead(IQT, 8)); // the queue drained
        q.regs.mmioWrite(ICS, 4, ICS_IWC); // RW1C
        assertThat(q.regs.mmioRead(ICS, 4)).isZero();
    }

    @Test
    void anInvalidDescriptorSetsIqeAndStopsTheQueueAtIt() {
        Rig rig = new Rig();
        Queue q = new Queue(rig);
        Hpa status = rig.frame();
        long head = q.regs.mmioRead(IQH, 8);
        q.put(InvalidationDescriptor.DEVICE_TLB, 0); // device-TLB invalidation: ECAP.DT is 0
        q.put(InvalidationDescriptor.invalidationWait(1, false), status.value());
        q.go();
        assertThat(q.regs.mmioRead(FSTS, 4) & FSTS_IQE).isNotZero();
        assertThat(q.regs.mmioRead(IQH, 8)).isEqualTo(head); // IQH names the bad descriptor
        assertThat(q.regs.mmioRead(IQERCD, 8) & 0xF).isEqualTo(IQEI_TYPE);
        assertThat(rig.memory.read32(status.value())).isZero(); // the wait behind it did not run

        // Software fixes the descriptor, clears IQE and moves the tail again: the queue resumes.
        rig.memory.write64(q.base.value() + head, InvalidationDescriptor.iotlb(GRAN_GLOBAL, 0));
        q.regs.mmioWrite(FSTS, 4, FSTS_IQE);
        q.go();
        assertThat(rig.memory.read32(status.value())).isEqualTo(1);
    }

    @Test
    void theDriversOwnQueueSubmissionsUseWaitDescriptors() {
        Rig rig = new Rig();
        long before = rig.iommu.stats().queuedInvalidations;
        rig.iommu.invalidateAllIotlb();
        assertThat(rig.iommu.stats().queuedInvalidations - before).isEqualTo(2); // the IOTLB descriptor and its wait
    }
}
