package dev.iovirt.iommu;

import dev.iovirt.vmm.mem.Hpa;

/**
 * Where the remapping unit posts an interrupt whose IRTE is in posted format: the processor side of
 * VT-d §5.2.3 / §9.12. The implementation sets the vector's PIR bit and ON in the 64-byte descriptor at
 * {@code descriptor} (host memory) and, if ON was clear and SN clear (or {@code urgent}), sends the
 * descriptor's notification vector to its NDST processor — so a running vCPU takes the interrupt with
 * no VM exit. {@link VmPostedInterrupts} is the implementation over vmm-core's VMs.
 */
@FunctionalInterface
public interface PostedInterruptSink {
    /**
     * Posts {@code vector}.
     *
     * @return true if a notification event was sent
     */
    boolean post(Hpa descriptor, int vector, boolean urgent);
}
