package dev.iovirt.iommu;

import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;

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
    private record Target(long descriptor, Vm vm, int index) {
    }

    private final HostMemory memory;
    /** Copy-on-write, scanned without allocation on each post. */
    private volatile Target[] targets = new Target[0];

    public VmPostedInterrupts(HostMemory memory) {
        this.memory = memory;
    }

    /** Makes every vCPU of {@code vm} a target. */
    public synchronized VmPostedInterrupts register(Vm vm) {
        java.util.List<Target> list = new java.util.ArrayList<>(java.util.List.of(targets));
        for (int i = 0; i < vm.vcpus().size(); i++) {
            list.add(new Target(vm.vcpu(i).postedInterruptDescriptor().address().value(), vm, i));
        }
        targets = list.toArray(new Target[0]);
        return this;
    }

    /** Forgets the vCPUs of {@code vm} (before it is destroyed). */
    public synchronized void unregister(Vm vm) {
        java.util.List<Target> list = new java.util.ArrayList<>(java.util.List.of(targets));
        list.removeIf(t -> t.vm == vm);
        targets = list.toArray(new Target[0]);
    }

    private Target find(long descriptor) {
        for (Target t : targets) {
            if (t.descriptor == descriptor) {
                return t;
            }
        }
        return null;
    }

    @Override
    public boolean post(Hpa descriptor, int vector, boolean urgent) {
        Target t = find(descriptor.value());
        if (t == null) {
            return new PostedInterruptDescriptor(memory, descriptor).post(vector);
        }
        PostedInterruptDescriptor pi = t.vm.vcpu(t.index).postedInterruptDescriptor();
        boolean notify = !pi.outstanding() && !pi.suppressed();
        t.vm.postInterrupt(t.index, vector);
        return notify;
    }
}
