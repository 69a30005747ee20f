package dev.iovirt.vmm.cost;

import java.util.Map;

/**
 * Modeled CPU cycles for the events the counters count. Each default comes from a published measurement
 * (source beside it); a topology overrides any of them by name ({@link #withOverrides}).
 *
 * @param hypercallCycles one VMCALL exit and return: the bare exit/entry round trip plus dispatch
 * @param inKernelExitCycles one exit handled in the VMM's kernel part (KVM), e.g. an EPT violation on RAM, CPUID, MSR, HLT
 * @param userSpaceExitCycles one exit forwarded to the VMM's user-space part (QEMU device emulation): port I/O, MMIO
 * @param walkReferenceCycles one memory reference made by a page walk
 */
public record CostModel(long hypercallCycles, long inKernelExitCycles, long userSpaceExitCycles, long walkReferenceCycles) {
    /**
     * The defaults. Exit costs: the x86 KVM figures issue 3 gives, attributed there to Dall, Li, Lim,
     * Nieh, Koloventzos, "ARM Virtualization: Performance and Architectural Implications", ISCA 2016
     * (Intel Sandy Bridge): hypercall ~1,300 cycles, in-kernel I/O exit ~2,600, user-space I/O exit
     * ~6,700. The hypercall figure matches that paper's microbenchmark table; the two I/O figures match
     * the "I/O Kernel" / "I/O User" rows of Dall and Nieh, "KVM/ARM", ASPLOS 2014 — to be checked
     * against both papers before docs/BENCHMARKS.md cites them (see docs/vmm-core.md).
     * Walk reference: an L2 hit on Sandy Bridge, 12 cycles (Intel 64 and IA-32 Architectures
     * Optimization Reference Manual, §2.3.5, Sandy Bridge cache parameters); paging-structure entries
     * mostly hit in L1/L2.
     */
    public static CostModel defaults() {
        return new CostModel(
                1_300, // Dall et al., ISCA 2016: x86 KVM hypercall.
                2_600, // Dall et al., ISCA 2016: x86 KVM in-kernel I/O exit.
                6_700, // Dall et al., ISCA 2016: x86 KVM I/O exit to user space (QEMU).
                12); // Intel Optimization Reference Manual, Sandy Bridge L2 load-to-use latency.
    }

    /** A copy with the named costs replaced; names are the record components. */
    public CostModel withOverrides(Map<String, Long> overrides) {
        long h = hypercallCycles;
        long k = inKernelExitCycles;
        long u = userSpaceExitCycles;
        long w = walkReferenceCycles;
        for (Map.Entry<String, Long> e : overrides.entrySet()) {
            switch (e.getKey()) {
                case "hypercallCycles" -> h = e.getValue();
                case "inKernelExitCycles" -> k = e.getValue();
                case "userSpaceExitCycles" -> u = e.getValue();
                case "walkReferenceCycles" -> w = e.getValue();
                default -> throw new IllegalArgumentException("unknown cost '" + e.getKey()
                        + "': expected one of hypercallCycles, inKernelExitCycles, userSpaceExitCycles, walkReferenceCycles");
            }
        }
        return new CostModel(h, k, u, w);
    }

    /** Modeled cycles of the virtualization overhead the counters record. */
    public long cycles(VcpuStats s) {
        return s.hypercalls * hypercallCycles
                + (s.inKernelExits - s.hypercalls) * inKernelExitCycles
                + s.userSpaceExits * userSpaceExitCycles
                + s.walkReferences * walkReferenceCycles;
    }
}
