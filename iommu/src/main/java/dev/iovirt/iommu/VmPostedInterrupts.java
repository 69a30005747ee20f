package dev.iovirt.iommu;

import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Posted interrupts delivered to vmm-core's vCPUs. Each registered VM's vCPUs are known by the
 * host-physical address of their posted-interrupt descriptor (the address a posted IRTE carries); a
 * post to one of them goes through {@link Vm#postInterrupt}, which sets PIR and ON in that very
 * descriptor and, when the vCPU is in non-root operation with APICv, raises the notification vector on
 * its processor — processed by the CPU without a VM exit (SDM Vol. 3C §30.6).
 *
 * <p>A post to a descriptor no registered vCPU owns still sets PIR and ON in host memory (the IOMMU
 * does not know who reads it); its notification goes to no processor.
 */
public final class VmPostedInterrupts implements PostedInterruptSink {
    private record Target(Vm vm, int index) {
    }

    private final HostMemory memory;
    private final Map<Long, Target> targets = new ConcurrentHashMap<>();

    public VmPostedInterrupts(HostMemory memory) {
        this.memory = memory;
    }

    /** Makes every vCPU of {@code vm} a target. */
    public VmPostedInterrupts register(Vm vm) {
        for (int i = 0; i < vm.vcpus().size(); i++) {
            targets.put(vm.vcpu(i).postedInterruptDescriptor().address().value(), new Target(vm, i));
        }
        return this;
    }

    /** Forgets the vCPUs of {@code vm} (before it is destroyed). */
    public void unregister(Vm vm) {
        targets.values().removeIf(t -> t.vm == vm);
    }

    @Override
    public boolean post(Hpa descriptor, int vector, boolean urgent) {
        Target t = targets.get(descriptor.value());
        if (t == null) {
            return new PostedInterruptDescriptor(memory, descriptor).post(vector);
        }
        PostedInterruptDescriptor pi = t.vm.vcpu(t.index).postedInterruptDescriptor();
        boolean notify = !pi.outstanding() && !pi.suppressed();
        t.vm.postInterrupt(t.index, vector);
        return notify;
    }
}
