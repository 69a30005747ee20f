package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.iommu.vtd.Irte;
import dev.iovirt.iommu.vtd.RemappableMsi;
import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsiSink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Remappable MSIs through the IRT: delivery, source-id validation, and the interrupt faults. */
class InterruptRemappingTest {
    private final Rig rig = new Rig();
    private final Iommu iommu = rig.iommu;
    private final InterruptRemapper ir = iommu.interruptRemapper();
    private final List<Msi> delivered = new ArrayList<>();

    InterruptRemappingTest() {
        iommu.setInterruptTarget((address, data) -> delivered.add(Msi.decode(address, data)));
    }

    @Test
    void aRemappedMsiIsDeliveredToTheVectorAndDestinationOfItsIrte() {
        MsiMessage m = ir.remap(Rig.NIC, 0x45, 3);
        assertThat(RemappableMsi.remappable(m.address())).isTrue();
        assertThat(m.address() >>> 20).isEqualTo(0xFEE);
        ir.msiSinkFor(Rig.NIC).signal(m.address(), m.data());
        assertThat(delivered).containsExactly(new Msi(3, 0x45, Msi.DELIVERY_FIXED, false, false));
        assertThat(iommu.stats().interruptsRemapped).isEqualTo(1);
        assertThat(iommu.faults()).isEmpty();
    }

    @Test
    void forgedMsiForAnotherDevicesInterruptIsBlocked() {
        MsiMessage nics = ir.remap(Rig.NIC, 0x45, 0);
        // The other device (another VM's) writes the NIC's message: same address, same data.
        ir.msiSinkFor(Rig.OTHER).signal(nics.address(), nics.data());
        assertThat(delivered).isEmpty();
        assertThat(iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FaultReason.SOURCE_ID_VERIFICATION_FAILED);
            assertThat(f.reason().code).isEqualTo(0x26);
            assertThat(f.sourceId()).isEqualTo(Rig.OTHER);
            assertThat(f.interruptIndex()).isEqualTo(InterruptRemapper.indexOf(nics));
        });
        // The rightful device still gets through.
        ir.msiSinkFor(Rig.NIC).signal(nics.address(), nics.data());
        assertThat(delivered).hasSize(1);
    }

    @Test
    void aForgedMsiWrittenByDmaIsBlockedToo() {
        MsiMessage nics = ir.remap(Rig.NIC, 0x45, 0);
        iommu.attach(Rig.OTHER, iommu.createDomain());
        iommu.dmaFor(Rig.OTHER).write32(Gpa.of(nics.address()), nics.data()); // an MSI is a DWORD write to 0xFEExxxxx
        assertThat(delivered).isEmpty();
        assertThat(iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x26);
        iommu.dmaFor(Rig.NIC).write32(Gpa.of(nics.address()), nics.data());
        assertThat(delivered).hasSize(1);
    }

    @Test
    void aCompatibilityFormatMsiIsBlockedWhenRemappingIsOn() {
        ir.msiSinkFor(Rig.NIC).signal(Msi.address(0), Msi.data(0x30));
        assertThat(delivered).isEmpty();
        assertThat(iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x25);
    }

    @Test
    void aCompatibilityFormatMsiPassesWithCfi() {
        Rig r = new Rig(new Iommu.Options(true, true, true));
        List<Long> got = new ArrayList<>();
        r.iommu.setInterruptTarget((a, d) -> got.add(a));
        r.iommu.interruptRemapper().msiSinkFor(Rig.NIC).signal(Msi.address(1), Msi.data(0x30));
        assertThat(got).containsExactly(Msi.address(1));
    }

    @Test
    void anIndexBeyondTheTableFaultsWith0x21AndAnAbsentEntryWith0x22() {
        MsiSink nic = ir.msiSinkFor(Rig.NIC);
        nic.signal(RemappableMsi.address(InterruptRemapper.ENTRIES), 0);
        nic.signal(RemappableMsi.address(17), 0); // never allocated: P = 0
        assertThat(delivered).isEmpty();
        assertThat(iommu.faults()).extracting(f -> f.reason().code, FaultRecord::interruptIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0x21, InterruptRemapper.ENTRIES), org.assertj.core.groups.Tuple.tuple(0x22, 17));
    }

    @Test
    void reservedFieldsInTheRequestOrTheIrteFault() {
        MsiMessage m = ir.remap(Rig.NIC, 0x45, 0);
        ir.msiSinkFor(Rig.NIC).signal(m.address(), 0x1_0000); // data bits 31:16 reserved
        int index = InterruptRemapper.indexOf(m);
        long[] e = ir.entry(index);
        ir.setEntry(index, e[0] | (1L << 13), e[1]); // bit 13 reserved in the remapped format
        ir.msiSinkFor(Rig.NIC).signal(m.address(), m.data());
        assertThat(iommu.faults()).extracting(f -> f.reason().code).containsExactly(0x20, 0x24);
        assertThat(delivered).isEmpty();
    }

    @Test
    void aChangedIrteIsUsedOnlyAfterTheInterruptEntryCacheIsInvalidated() {
        MsiMessage m = ir.remap(Rig.NIC, 0x45, 0);
        int index = InterruptRemapper.indexOf(m);
        ir.msiSinkFor(Rig.NIC).signal(m.address(), m.data()); // cached now
        long a = ir.table().value() + index * 16L;
        rig.memory.write64(a, Irte.remappedLow(0x46, 0, false, 0, false, false)); // rewritten without invalidation
        ir.msiSinkFor(Rig.NIC).signal(m.address(), m.data());
        iommu.invalidateInterruptEntries(index, 0);
        ir.msiSinkFor(Rig.NIC).signal(m.address(), m.data());
        assertThat(delivered).extracting(Msi::vector).containsExactly(0x45, 0x45, 0x46);
    }

    @Test
    void subhandlesSelectConsecutiveEntries() {
        MsiMessage first = ir.remap(Rig.NIC, 0x50, 0);
        ir.remap(Rig.NIC, 0x51, 0);
        long shv = RemappableMsi.addressWithSubhandle(InterruptRemapper.indexOf(first));
        ir.msiSinkFor(Rig.NIC).signal(shv, 0);
        ir.msiSinkFor(Rig.NIC).signal(shv, 1);
        assertThat(delivered).extracting(Msi::vector).containsExactly(0x50, 0x51);
    }

    @Test
    void sourceIdQualifierAndBusRangeVerification() {
        int sid = Bdf.of(2, 1, 4).requesterId();
        long exact = Irte.high(Irte.SVT_REQUESTER_ID, 0, sid, 0);
        long ignoreFunctionBit2 = Irte.high(Irte.SVT_REQUESTER_ID, 1, sid, 0);
        long ignoreFunction = Irte.high(Irte.SVT_REQUESTER_ID, 3, sid, 0);
        long buses2to5 = Irte.high(Irte.SVT_BUS_RANGE, 0, 0x0205, 0);
        assertThat(Irte.sourceIdAllowed(exact, sid)).isTrue();
        assertThat(Irte.sourceIdAllowed(exact, Bdf.of(2, 1, 0).requesterId())).isFalse();
        assertThat(Irte.sourceIdAllowed(ignoreFunctionBit2, Bdf.of(2, 1, 0).requesterId())).isTrue();
        assertThat(Irte.sourceIdAllowed(ignoreFunctionBit2, Bdf.of(2, 1, 1).requesterId())).isFalse();
        assertThat(Irte.sourceIdAllowed(ignoreFunction, Bdf.of(2, 1, 7).requesterId())).isTrue();
        assertThat(Irte.sourceIdAllowed(ignoreFunction, Bdf.of(2, 2, 0).requesterId())).isFalse();
        assertThat(Irte.sourceIdAllowed(buses2to5, Bdf.of(5, 31, 7).requesterId())).isTrue();
        assertThat(Irte.sourceIdAllowed(buses2to5, Bdf.of(6, 0, 0).requesterId())).isFalse();
    }

    @Test
    void theIrteLayoutMatchesTheSpecBitPositions() {
        long low = Irte.remappedLow(0xEC, 0x12345678, true, 1, true, true);
        assertThat(low & 1).isEqualTo(1);
        assertThat((low >>> 2) & 1).isEqualTo(1); // DM
        assertThat((low >>> 3) & 1).isEqualTo(1); // RH
        assertThat((low >>> 4) & 1).isEqualTo(1); // TM
        assertThat((low >>> 5) & 7).isEqualTo(1); // DLM
        assertThat((low >>> 15) & 1).isZero(); // IM
        assertThat((low >>> 16) & 0xFF).isEqualTo(0xEC);
        assertThat(low >>> 32).isEqualTo(0x12345678L);
        long pda = 0x1_2345_6780L;
        long pLow = Irte.postedLow(0x41, pda, true);
        long pHigh = Irte.high(Irte.SVT_REQUESTER_ID, 0, 0x18, pda);
        assertThat((pLow >>> 14) & 3).isEqualTo(3); // URG, IM
        assertThat(pLow >>> 38).isEqualTo((pda & 0xFFFF_FFFFL) >>> 6); // PDA[31:6] in bits 63:38
        assertThat(pHigh >>> 32).isEqualTo(pda >>> 32); // PDA[63:32] in bits 127:96
        assertThat((pHigh >>> 18) & 3).isEqualTo(1); // SVT in bits 83:82
        assertThat(Irte.postedDescriptorAddress(pLow, pHigh)).isEqualTo(pda);
    }
}
