package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.DirectDmaMemory;
import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.PageSize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A device model gets a {@link DmaMemory} and cannot tell whether an IOMMU translates it (STYLE.md:
 * "the IOMMU is a wrapper"). The same device code runs over {@link DirectDmaMemory} and over the
 * IOMMU-translated memory of a VM whose RAM is mapped in the device's domain (IOVA = GPA).
 */
class SameDeviceCodeTest {
    /**
     * A tiny bus-master device: reads a descriptor {buffer, length, result} from guest memory, sums the
     * buffer's bytes, writes the sum and a done flag back — the shape of every descriptor-ring device.
     */
    static final class ChecksumDevice {
        private final DmaMemory dma;
        int errors;

        ChecksumDevice(DmaMemory dma) {
            this.dma = dma;
        }

        void process(Gpa descriptor) {
            try {
                long buffer = dma.read64(descriptor);
                int length = dma.read32(descriptor.plus(8));
                byte[] data = new byte[length];
                dma.read(Gpa.of(buffer), data, 0, length);
                long sum = 0;
                for (byte b : data) {
                    sum += b & 0xFF;
                }
                dma.write64(Gpa.of(dma.read64(descriptor.plus(16))), sum);
                dma.write32(descriptor.plus(12), 1); // done
            } catch (DmaFaultException e) {
                errors++; // a real device sets an error bit and stops its queue
            }
        }
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"DirectDmaMemory", "the IOMMU"})
    void theSameDeviceCodeWorksOverDirectAndTranslatedDmaMemory(String memory) {
        Rig rig = new Rig();
        Vm vm = rig.vm(VmConfig.of("guest", 64L << 20).withBacking(PageSize.SIZE_2M));
        DmaMemory dma;
        if (memory.equals("the IOMMU")) {
            Domain d = rig.iommu.createDomain();
            rig.iommu.mapGuestMemory(d, vm.memory(), DmaPermission.READ_WRITE);
            rig.iommu.attach(Rig.NIC, d);
            dma = rig.iommu.dmaFor(Rig.NIC);
        } else {
            dma = new DirectDmaMemory(vm.memory());
        }
        // The guest driver's side, written straight into guest memory: a descriptor and a buffer that crosses a page.
        DmaMemory guestView = vm.dma();
        Gpa desc = Gpa.of(0x10_0000);
        Gpa buffer = Gpa.of(0x20_0FF0);
        for (int i = 0; i < 64; i++) {
            guestView.write8(buffer.plus(i), i);
        }
        guestView.write64(desc, buffer.value());
        guestView.write32(desc.plus(8), 64);
        guestView.write64(desc.plus(16), 0x30_0000);

        ChecksumDevice device = new ChecksumDevice(dma);
        device.process(desc);
        assertThat(guestView.read64(Gpa.of(0x30_0000))).isEqualTo(63 * 64 / 2);
        assertThat(guestView.read32(desc.plus(12))).isEqualTo(1);

        // A descriptor pointing outside the VM's RAM: the same error path either way.
        guestView.write64(desc.plus(16), 0xD000_0000L); // the MMIO hole: not RAM, not mapped
        device.process(desc);
        assertThat(device.errors).isEqualTo(1);
        if (memory.equals("the IOMMU")) {
            assertThat(rig.iommu.faults()).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(FaultReason.WRITE_TO_READ_ONLY);
                assertThat(f.faultInfo()).isEqualTo(0xD000_0000L);
            });
            IommuStats s = rig.iommu.stats();
            assertThat(s.iotlbHits).isPositive();
            assertThat(s.walkReferences).isLessThanOrEqualTo(3 * s.iotlbMisses); // 2 MiB super pages: at most 3 entries a walk
            PageSize[] size = new PageSize[1];
            assertThat(rig.iommu.domainFor(Rig.NIC).tables().leafEntryAddress(Iova.of(0x10_0000), size)).isNotZero();
            assertThat(size[0]).isEqualTo(PageSize.SIZE_2M); // the VM's 2 MiB backing became 2 MiB second-level pages
        }
    }
}
