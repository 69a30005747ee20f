package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.Gpa;
import org.junit.jupiter.api.Test;

/** Two VMs, each with an assigned device in its own domain (IOVA = its GPA): each device reaches its own VM only. */
class DeviceAssignmentTest {
    private final Rig rig = new Rig();
    private final Vm small = rig.vm(VmConfig.of("small", 16L << 20));
    private final Vm big = rig.vm(VmConfig.of("big", 64L << 20));

    DeviceAssignmentTest() {
        Domain a = rig.iommu.createDomain();
        Domain b = rig.iommu.createDomain();
        rig.iommu.mapGuestMemory(a, small.memory(), DmaPermission.READ_WRITE);
        rig.iommu.mapGuestMemory(b, big.memory(), DmaPermission.READ_WRITE);
        rig.iommu.attach(Rig.NIC, a);
        rig.iommu.attach(Rig.OTHER, b);
    }

    @Test
    void theSameGpaReachesEachDevicesOwnVm() {
        rig.iommu.dmaFor(Rig.NIC).write64(Gpa.of(0x1000), 0xAAAA);
        rig.iommu.dmaFor(Rig.OTHER).write64(Gpa.of(0x1000), 0xBBBB);
        assertThat(small.dma().read64(Gpa.of(0x1000))).isEqualTo(0xAAAA);
        assertThat(big.dma().read64(Gpa.of(0x1000))).isEqualTo(0xBBBB);
    }

    @Test
    void aDeviceToldToDmaBeyondItsVmsRamFaultsAndTheOtherVmIsUntouched() {
        Gpa beyondSmall = Gpa.of(32L << 20); // RAM in the big VM, not in the small one
        big.dma().write64(beyondSmall, 0x5555);
        assertThatThrownBy(() -> rig.iommu.dmaFor(Rig.NIC).write64(beyondSmall, -1L)).isInstanceOf(DmaFaultException.class);
        assertThat(big.dma().read64(beyondSmall)).isEqualTo(0x5555);
        assertThat(rig.iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FaultReason.WRITE_TO_READ_ONLY);
            assertThat(f.sourceId()).isEqualTo(Rig.NIC);
            assertThat(f.faultInfo()).isEqualTo(32L << 20);
        });
    }

    @Test
    void tearingDownAnAssignmentFreesTheDomainAndBlocksTheDevice() {
        Domain a = rig.iommu.domainFor(Rig.NIC);
        long framesBefore = rig.host.hostAccount().frames();
        rig.iommu.detach(Rig.NIC);
        rig.iommu.destroyDomain(a);
        assertThat(rig.host.hostAccount().frames()).isLessThan(framesBefore);
        assertThatThrownBy(() -> rig.iommu.dmaFor(Rig.NIC).read8(Gpa.of(0x1000))).isInstanceOf(DmaFaultException.class);
        assertThat(rig.iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x2);
        assertThat(rig.iommu.createDomain().id()).isEqualTo(a.id()); // the domain id is free again
    }
}
