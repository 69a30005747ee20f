package dev.iovirt.vmm.cost;

/**
 * Counters of one vCPU. The processor model counts exits, entries, walk references and TLB lookups;
 * the VMM counts how it handled exits (in the kernel or in user space) and the events it injected.
 * Written only by the vCPU's own thread; read by anyone (values may be a moment stale).
 */
public final class VcpuStats {
    /** Exits by basic exit reason (SDM Appendix C numbering). */
    public final long[] exitsByReason = new long[65];
    /** All VM exits. */
    public long exits;
    /** Successful VM entries (VMLAUNCH and VMRESUME). */
    public long entries;
    /** Exits the VMM handled in its kernel part (KVM) without going to user space. */
    public long inKernelExits;
    /** Exits the VMM forwarded to its user-space part (QEMU-like device emulation). */
    public long userSpaceExits;
    /** VMCALL exits (hypercalls). */
    public long hypercalls;
    /** Memory references made by page walks (guest and EPT entries). */
    public long walkReferences;
    /** Completed page walks (TLB misses that translated). */
    public long walks;
    public long tlbHits;
    public long tlbMisses;
    /** Events the VMM injected at VM entry. */
    public long injections;
    /** Events delivered through the guest IDT (injected or raised by the processor, e.g. #PF). */
    public long eventsDelivered;
    /** Page faults delivered to the guest. */
    public long pageFaults;
    /** Posted-interrupt notifications the processor processed without an exit. */
    public long postedInterruptsProcessed;
    /** Virtual interrupts the processor delivered itself (virtual-interrupt delivery), without an exit. */
    public long virtualInterruptsDelivered;

    public void add(VcpuStats o) {
        accumulate(o, 1);
    }

    /** The counters from {@code earlier} to this: what happened in between (e.g. since boot). */
    public VcpuStats since(VcpuStats earlier) {
        VcpuStats d = new VcpuStats();
        d.accumulate(this, 1);
        d.accumulate(earlier, -1);
        return d;
    }

    private void accumulate(VcpuStats o, int sign) {
        for (int i = 0; i < exitsByReason.length; i++) {
            exitsByReason[i] += sign * o.exitsByReason[i];
        }
        exits += sign * o.exits;
        entries += sign * o.entries;
        inKernelExits += sign * o.inKernelExits;
        userSpaceExits += sign * o.userSpaceExits;
        hypercalls += sign * o.hypercalls;
        walkReferences += sign * o.walkReferences;
        walks += sign * o.walks;
        tlbHits += sign * o.tlbHits;
        tlbMisses += sign * o.tlbMisses;
        injections += sign * o.injections;
        eventsDelivered += sign * o.eventsDelivered;
        pageFaults += sign * o.pageFaults;
        postedInterruptsProcessed += sign * o.postedInterruptsProcessed;
        virtualInterruptsDelivered += sign * o.virtualInterruptsDelivered;
    }

    /** Exits with basic reason {@code reason}. */
    public long exits(dev.iovirt.vmm.vmx.ExitReason reason) {
        return exitsByReason[reason.number];
    }

    /** A one-line summary: exits by kind and by reason, walks, TLB, interrupts. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("exits ").append(exits).append(" (in-kernel ").append(inKernelExits).append(", user-space ")
                .append(userSpaceExits).append(')');
        for (int i = 0; i < exitsByReason.length; i++) {
            if (exitsByReason[i] != 0) {
                dev.iovirt.vmm.vmx.ExitReason r = dev.iovirt.vmm.vmx.ExitReason.of(i);
                b.append(' ').append(r == null ? "reason" + i : r.name()).append('=').append(exitsByReason[i]);
            }
        }
        b.append(", walks ").append(walks).append(" (").append(walkReferences).append(" refs), TLB ")
                .append(tlbHits).append(" hits / ").append(tlbMisses).append(" misses, injected ").append(injections)
                .append(", virtual ").append(virtualInterruptsDelivered).append(", posted ").append(postedInterruptsProcessed)
                .append(", page faults ").append(pageFaults);
        return b.toString();
    }
}
