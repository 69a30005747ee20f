package dev.iovirt.iommu;

import static dev.iovirt.iommu.vtd.VtdRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.iommu.impl.RemappingUnit;
import dev.iovirt.iommu.impl.TranslatedDmaMemory;
import dev.iovirt.iommu.vtd.ContextEntry;
import dev.iovirt.iommu.vtd.RootEntry;
import dev.iovirt.iommu.vtd.SecondLevelEntry;
import dev.iovirt.vmm.io.MmioBus;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.MemoryAccount;
import org.junit.jupiter.api.Test;

/** The register block as a driver sees it through MMIO, and tables a driver builds by hand in the spec's layout. */
class RegistersTest {
    private static final long BASE = 0xFED9_0000L; // where firmware's DMAR table usually puts a DRHD

    @Test
    void capabilitiesDescribeTheModel() {
        MmioBus bus = new MmioBus();
        RemappingUnit unit = new RemappingUnit(new HostMemory(64L << 20));
        bus.register(BASE, SIZE, unit);
        assertThat(bus.read(BASE + VER, 4)).isEqualTo(0x10);
        long cap = bus.read(BASE + CAP, 8);
        assertThat(cap & 7).isEqualTo(2); // ND: 256 domains
        assertThat((cap >>> 8) & 0x1F).isEqualTo(0b0110); // SAGAW: 39 and 48 bits
        assertThat(((cap >>> 16) & 0x3F) + 1).isEqualTo(48); // MGAW
        assertThat(((cap >>> 24) & 0x3FF) * 16).isEqualTo(FRCD); // FRO
        assertThat(((cap >>> 40) & 0xFF) + 1).isEqualTo(FAULT_RECORDS); // NFR
        assertThat((cap >>> 34) & 0xF).isEqualTo(0b11); // SLLPS: 2 MiB and 1 GiB
        assertThat((cap >>> 39) & 1).isEqualTo(1); // PSI
        assertThat((cap >>> 59) & 1).isEqualTo(1); // PI
        long ecap = bus.read(BASE + ECAP, 8);
        assertThat(ecap & (ECAP_QI | ECAP_IR | ECAP_EIM | ECAP_PT)).isEqualTo(ECAP_QI | ECAP_IR | ECAP_EIM | ECAP_PT);
        assertThat(((ecap >>> 8) & 0x3FF) * 16).isEqualTo(IVA); // IRO
        // A 64-bit register reads the same as two dwords.
        assertThat(bus.read(BASE + CAP, 4) | bus.read(BASE + CAP + 4, 4) << 32).isEqualTo(cap);
    }

    @Test
    void aDriverThatWritesOnlyTablesAndRegistersGetsTranslation() {
        HostMemory mem = new HostMemory(64L << 20);
        MemoryAccount acct = new MemoryAccount("driver");
        RemappingUnit unit = new RemappingUnit(mem);
        MmioBus bus = new MmioBus();
        bus.register(BASE, SIZE, unit);
        long root = mem.allocateFrame(acct).value();
        long context = mem.allocateFrame(acct).value();
        long pml4 = mem.allocateFrame(acct).value();
        long pdpt = mem.allocateFrame(acct).value();
        long pd = mem.allocateFrame(acct).value();
        long pt = mem.allocateFrame(acct).value();
        long page = mem.allocateFrame(acct).value();
        int bus2 = 2;
        int devfn = (5 << 3) | 1; // 02:05.1
        mem.write64(root + bus2 * 16L, RootEntry.of(context));
        mem.write64(context + devfn * 16L + 8, ContextEntry.high(ContextEntry.AW_48, 7));
        mem.write64(context + devfn * 16L, ContextEntry.low(ContextEntry.TT_UNTRANSLATED, pml4, false));
        long iova = 0x12_3456_7000L;
        mem.write64(pml4 + ((iova >>> 39) & 511) * 8, SecondLevelEntry.table(pdpt));
        mem.write64(pdpt + ((iova >>> 30) & 511) * 8, SecondLevelEntry.table(pd));
        mem.write64(pd + ((iova >>> 21) & 511) * 8, SecondLevelEntry.table(pt));
        mem.write64(pt + ((iova >>> 12) & 511) * 8, SecondLevelEntry.leaf(page, SecondLevelEntry.RW, false));

        bus.write(BASE + RTADDR, 8, root);
        bus.write(BASE + GCMD, 4, GCMD_SRTP & 0xFFFF_FFFFL);
        assertThat(bus.read(BASE + GSTS, 4) & (GCMD_SRTP & 0xFFFF_FFFFL)).isNotZero(); // RTPS
        bus.write(BASE + GCMD, 4, GCMD_TE & 0xFFFF_FFFFL);
        assertThat(bus.read(BASE + GSTS, 4) & (GCMD_TE & 0xFFFF_FFFFL)).isNotZero(); // TES

        new TranslatedDmaMemory(unit, (bus2 << 8) | devfn).write32(Gpa.of(iova + 0x44), 0xBEEF);
        assertThat(mem.read32(page + 0x44)).isEqualTo(0xBEEF);
        assertThat(unit.stats().walkReferences).isEqualTo(4);
    }

    @Test
    void withTranslationDisabledDmaAddressesAreHostPhysical() {
        HostMemory mem = new HostMemory(64L << 20);
        RemappingUnit unit = new RemappingUnit(mem);
        new TranslatedDmaMemory(unit, 0x18).write32(Gpa.of(0x5000), 3);
        assertThat(mem.read32(0x5000)).isEqualTo(3);
    }

    @Test
    void readOnlyRegistersIgnoreWrites() {
        RemappingUnit unit = new RemappingUnit(new HostMemory(64L << 20));
        long cap = unit.mmioRead(CAP, 8);
        unit.mmioWrite(CAP, 8, 0);
        unit.mmioWrite(GSTS, 4, 0xFFFF_FFFFL);
        assertThat(unit.mmioRead(CAP, 8)).isEqualTo(cap);
        assertThat(unit.mmioRead(GSTS, 4)).isZero();
    }
}
