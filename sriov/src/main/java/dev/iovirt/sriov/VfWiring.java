package dev.iovirt.sriov;

import dev.iovirt.iommu.Iommu;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsiSink;

/**
 * What the host gives each VF when it comes into existence: the DMA view and the MSI path for its
 * routing ID, and host memory for its doorbell page. With an IOMMU both views carry the VF's
 * source-id and are translated and remapped (STYLE: the device cannot tell whether translation is on).
 */
public interface VfWiring {
    /** The memory the VF at {@code rid} reaches by DMA. */
    DmaMemory dmaFor(Bdf rid);

    /** Where the VF at {@code rid} writes its MSI-X messages. */
    MsiSink msiSinkFor(Bdf rid);

    /** Host memory, for each VF's doorbell page (a frame the VMM can map into a guest's EPT). */
    HostMemory memory();

    /** The account charged for the doorbell pages. */
    MemoryAccount account();

    /** VFs behind {@code iommu}: DMA through {@link Iommu#dmaFor}, MSI-X through its interrupt remapper. */
    static VfWiring iommu(Iommu iommu, MemoryAccount account) {
        return new VfWiring() {
            @Override
            public DmaMemory dmaFor(Bdf rid) {
                return iommu.dmaFor(rid);
            }

            @Override
            public MsiSink msiSinkFor(Bdf rid) {
                return iommu.interruptRemapper().msiSinkFor(rid);
            }

            @Override
            public HostMemory memory() {
                return iommu.memory();
            }

            @Override
            public MemoryAccount account() {
                return account;
            }
        };
    }
}
