package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.pci.Bdf;
import org.junit.jupiter.api.Test;

/** DMA through second-level translation, and the faults the spec records when it is blocked. */
class DmaRemappingTest {
    private final Rig rig = new Rig();
    private final Iommu iommu = rig.iommu;

    @Test
    void aMappedPageIsReadAndWrittenAtItsHostPhysicalAddress() {
        Domain d = iommu.createDomain();
        Hpa page = rig.frame();
        iommu.map(d, Iova.of(0x10_0000), page, 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        DmaMemory dma = iommu.dmaFor(Rig.NIC);
        dma.write32(Gpa.of(0x10_0010), 0xCAFEF00D);
        assertThat(rig.memory.read32(page.value() + 0x10)).isEqualTo(0xCAFEF00D);
        assertThat(dma.read32(Gpa.of(0x10_0010))).isEqualTo(0xCAFEF00D);
        assertThat(iommu.faults()).isEmpty();
    }

    @Test
    void deviceCannotDmaOutsideItsDomain() {
        // Two domains: the NIC's maps one page; the other device's domain maps a page the NIC must never reach.
        Domain nicDomain = iommu.createDomain();
        Domain otherDomain = iommu.createDomain();
        Hpa nicPage = rig.frame();
        Hpa victim = rig.frame();
        iommu.map(nicDomain, Iova.of(0x10_0000), nicPage, 4096, DmaPermission.READ_WRITE);
        iommu.map(otherDomain, Iova.of(0x20_0000), victim, 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, nicDomain);
        iommu.attach(Rig.OTHER, otherDomain);
        rig.memory.write64(victim.value(), 0x1111_2222_3333_4444L);
        DmaMemory nic = iommu.dmaFor(Rig.NIC);

        // The IOVA the other device uses, and the victim's host-physical address as an IOVA: both unmapped for the NIC.
        assertThatThrownBy(() -> nic.write64(Gpa.of(0x20_0000), -1L)).isInstanceOf(DmaFaultException.class)
                .hasMessageContaining("write request without write permission");
        assertThatThrownBy(() -> nic.read64(Gpa.of(victim.value()))).isInstanceOf(DmaFaultException.class);

        assertThat(rig.memory.read64(victim.value())).isEqualTo(0x1111_2222_3333_4444L); // nothing written
        assertThat(iommu.faults()).extracting(FaultRecord::reason, FaultRecord::sourceId, FaultRecord::faultInfo, FaultRecord::read)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FaultReason.WRITE_TO_READ_ONLY, Rig.NIC, 0x20_0000L, false),
                        org.assertj.core.groups.Tuple.tuple(FaultReason.READ_WITHOUT_PERMISSION, Rig.NIC, victim.value(), true));
        assertThat(FaultReason.WRITE_TO_READ_ONLY.code).isEqualTo(0x5);
        assertThat(FaultReason.READ_WITHOUT_PERMISSION.code).isEqualTo(0x6);
    }

    @Test
    void writeToReadOnlyMappingFaultsWithReason5AndWritesNothing() {
        Domain d = iommu.createDomain();
        Hpa page = rig.frame();
        rig.memory.write32(page.value(), 42);
        iommu.map(d, Iova.of(0x4000), page, 4096, DmaPermission.READ);
        iommu.attach(Rig.NIC, d);
        DmaMemory dma = iommu.dmaFor(Rig.NIC);
        assertThat(dma.read32(Gpa.of(0x4000))).isEqualTo(42);
        assertThatThrownBy(() -> dma.write32(Gpa.of(0x4000), 7)).isInstanceOf(DmaFaultException.class);
        assertThat(rig.memory.read32(page.value())).isEqualTo(42);
        assertThat(iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason().code).isEqualTo(0x5);
            assertThat(f.faultInfo()).isEqualTo(0x4000);
            assertThat(f.read()).isFalse();
        });
    }

    @Test
    void aWriteSpanningAMappedAndAnUnmappedPageWritesNothing() {
        Domain d = iommu.createDomain();
        Hpa page = rig.frame();
        iommu.map(d, Iova.of(0x8000), page, 4096, DmaPermission.READ_WRITE);
        iommu.attach(Rig.NIC, d);
        byte[] buf = new byte[64];
        java.util.Arrays.fill(buf, (byte) 0x5A);
        assertThatThrownBy(() -> iommu.dmaFor(Rig.NIC).write(Gpa.of(0x8FE0), buf, 0, buf.length)).isInstanceOf(DmaFaultException.class);
        assertThat(rig.memory.read64(page.value() + 0xFE0)).isZero();
        assertThat(iommu.faults()).singleElement().extracting(FaultRecord::faultInfo).isEqualTo(0x9000L);
    }

    @Test
    void rootEntryNotPresentFaultsWithReason1() {
        Bdf onBus7 = Bdf.of(7, 0, 0); // no context table for bus 7: its root entry is not present
        assertThatThrownBy(() -> iommu.dmaFor(onBus7).read8(Gpa.of(0x1000))).isInstanceOf(DmaFaultException.class)
                .hasMessageContaining("root entry");
        assertThat(iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FaultReason.ROOT_ENTRY_NOT_PRESENT);
            assertThat(f.reason().code).isEqualTo(0x1);
            assertThat(f.sourceId()).isEqualTo(onBus7);
        });
    }

    @Test
    void contextEntryNotPresentFaultsWithReason2() {
        iommu.attach(Rig.NIC, iommu.createDomain()); // bus 0 now has a context table; OTHER has no entry in it
        assertThatThrownBy(() -> iommu.dmaFor(Rig.OTHER).write8(Gpa.of(0x1000), 1)).isInstanceOf(DmaFaultException.class);
        assertThat(iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason().code).isEqualTo(0x2);
            assertThat(f.sourceId()).isEqualTo(Rig.OTHER);
        });
    }

    @Test
    void anAddressBeyondThe39BitWidthFaultsWithReason4() {
        Domain d = iommu.createDomain(39);
        iommu.attach(Rig.NIC, d);
        assertThatThrownBy(() -> iommu.dmaFor(Rig.NIC).read8(Gpa.of(1L << 39))).isInstanceOf(DmaFaultException.class);
        assertThat(iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x4);
    }

    @Test
    void anInvalidContextEntryFaultsWithReason3() {
        Domain d = iommu.createDomain();
        iommu.attach(Rig.NIC, d);
        iommu.detach(Rig.NIC);
        // A context entry with translation type 11b (reserved), written by a buggy driver.
        long ctx = rig.memory.read64(iommu.rootTable().value()) & ~0xFFFL;
        long entry = ctx + (long) ((3 << 3) * 16);
        rig.memory.write64(entry + 8, dev.iovirt.iommu.vtd.ContextEntry.high(2, d.id()));
        rig.memory.write64(entry, dev.iovirt.iommu.vtd.ContextEntry.low(3, d.tables().top().value(), false));
        assertThatThrownBy(() -> iommu.dmaFor(Rig.NIC).read8(Gpa.of(0))).isInstanceOf(DmaFaultException.class);
        assertThat(iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x3);
    }

    @Test
    void faultProcessingDisableBlocksWithoutRecording() {
        Domain d = iommu.createDomain();
        iommu.attach(Rig.NIC, d);
        long ctx = (rig.memory.read64(iommu.rootTable().value()) & ~0xFFFL) + (3 << 3) * 16L;
        rig.memory.write64(ctx, rig.memory.read64(ctx) | dev.iovirt.iommu.vtd.ContextEntry.FAULT_PROCESSING_DISABLE);
        iommu.invalidateContext(Rig.NIC);
        assertThatThrownBy(() -> iommu.dmaFor(Rig.NIC).read8(Gpa.of(0x1000))).isInstanceOf(DmaFaultException.class);
        assertThat(iommu.faults()).isEmpty();
        assertThat(iommu.stats().faultsSuppressed).isEqualTo(1);
    }

    @Test
    void faultRecordingOverflowSetsPfoAndDropsFaultsUntilServiced() {
        DmaMemory stranger = iommu.dmaFor(Bdf.of(9, 0, 0));
        for (int i = 0; i < 10; i++) {
            long a = 0x1000L * i;
            assertThatThrownBy(() -> stranger.read8(Gpa.of(a))).isInstanceOf(DmaFaultException.class);
        }
        var regs = iommu.registers();
        int fsts = (int) regs.mmioRead(dev.iovirt.iommu.vtd.VtdRegisters.FSTS, 4);
        assertThat(fsts & dev.iovirt.iommu.vtd.VtdRegisters.FSTS_PFO).isNotZero();
        assertThat(fsts & dev.iovirt.iommu.vtd.VtdRegisters.FSTS_PPF).isNotZero();
        assertThat(iommu.faults()).hasSize(8).extracting(FaultRecord::faultInfo)
                .containsExactly(0x0L, 0x1000L, 0x2000L, 0x3000L, 0x4000L, 0x5000L, 0x6000L, 0x7000L);
        assertThat(iommu.stats().faultsOverflowed).isEqualTo(2);

        // The driver reads a record through the registers, then services them all: recording resumes.
        long high = regs.mmioRead(dev.iovirt.iommu.vtd.VtdRegisters.FRCD + 8, 8);
        assertThat(high >>> 63).isEqualTo(1); // F
        assertThat((high >>> 32) & 0xFF).isEqualTo(0x1); // FR: root entry not present
        assertThat(high & 0xFFFF).isEqualTo(0x900); // SID 09:00.0
        iommu.clearFaults();
        assertThat(iommu.faults()).isEmpty();
        assertThatThrownBy(() -> stranger.read8(Gpa.of(0xA000))).isInstanceOf(DmaFaultException.class);
        assertThat(iommu.faults()).singleElement().extracting(FaultRecord::faultInfo).isEqualTo(0xA000L);
    }

    @Test
    void anUnmaskedFaultEventInterruptsTheHostThroughFeaddrAndFedata() {
        java.util.List<long[]> events = new java.util.ArrayList<>();
        iommu.setInterruptTarget((a, d) -> events.add(new long[] {a, d}));
        var regs = iommu.registers();
        regs.mmioWrite(dev.iovirt.iommu.vtd.VtdRegisters.FEDATA, 4, 0x61);
        regs.mmioWrite(dev.iovirt.iommu.vtd.VtdRegisters.FEADDR, 4, 0xFEE0_0000L);
        regs.mmioWrite(dev.iovirt.iommu.vtd.VtdRegisters.FECTL, 4, 0); // unmask
        assertThatThrownBy(() -> iommu.dmaFor(Bdf.of(9, 0, 0)).read8(Gpa.of(0))).isInstanceOf(DmaFaultException.class);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e[0]).isEqualTo(0xFEE0_0000L);
            assertThat(e[1]).isEqualTo(0x61);
        });
    }

    @Test
    void passthroughDomainDmaGoesUntranslated() {
        Domain pt = iommu.createPassthroughDomain();
        iommu.attach(Rig.NIC, pt);
        Hpa page = rig.frame();
        iommu.dmaFor(Rig.NIC).write32(Gpa.of(page.value() + 8), 0x77);
        assertThat(rig.memory.read32(page.value() + 8)).isEqualTo(0x77);
        assertThat(iommu.stats().passthrough).isEqualTo(1);
        assertThat(iommu.stats().walkReferences).isZero();
        assertThat(iommu.domainFor(Rig.NIC)).isSameAs(pt);
        assertThat(pt.passthrough()).isTrue();
    }
}
